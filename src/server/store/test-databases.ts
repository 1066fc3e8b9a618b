/**
 * The two databases the store suites run against: SQLite in memory, and a fresh database in
 * the real PostgreSQL cluster the unit run started (scripts/vitest-postgres.ts).
 */
import pg from "pg";
import { inject } from "vitest";
import { openDatabase } from "./database";
import type { ConsoleDatabase } from "./database";

export const DIALECTS = ["sqlite", "postgres"] as const;
export type Dialect = (typeof DIALECTS)[number];

let counter = 0;

/** A new, empty PostgreSQL database in the test cluster; its URL. */
export async function createPostgresDatabase(): Promise<string> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `test_${process.pid}_${Date.now()}_${counter++}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function openTestDatabase(dialect: Dialect): Promise<ConsoleDatabase> {
  return openDatabase({
    url: dialect === "postgres" ? await createPostgresDatabase() : undefined,
    path: ":memory:",
    busyTimeoutMs: 1000,
    synchronous: "normal",
  });
}
