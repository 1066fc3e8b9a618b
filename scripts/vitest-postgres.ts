/**
 * Vitest global setup: one throwaway PostgreSQL cluster for the whole unit run (each test
 * makes its own database in it), so the store suites run against SQLite and PostgreSQL alike.
 */
import type { TestProject } from "vitest/node";
import { startPostgresCluster } from "./postgres-cluster";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startPostgresCluster({ fsync: false });
  project.provide("postgresAdminUrl", cluster.adminUrl);
  return () => cluster.stop();
}
