/**
 * The two databases the store suites run against: SQLite in memory, and a fresh database in
 * the real PostgreSQL cluster the unit run started (scripts/vitest-postgres.ts).
 */
import { inject } from "vitest";
import { createDatabase } from "../../scripts/postgres-cluster";
import { openDatabase } from "../server/db/database";
import type { ConsoleDatabase } from "../server/db/database";
import { clockFrom } from "../server/db/clock";
import type { Store } from "../server/db/store";
import { createLogger } from "../server/logger";

export const DIALECTS = ["sqlite", "postgres"] as const;
export type Dialect = (typeof DIALECTS)[number];

let counter = 0;

/** A new, empty PostgreSQL database in the test cluster; its URL. */
export function createPostgresDatabase(): Promise<string> {
  return createDatabase(
    inject("postgresAdminUrl"),
    `test_${process.pid}_${Date.now()}_${counter++}`,
  );
}

export async function openTestDatabase(dialect: Dialect): Promise<ConsoleDatabase> {
  return openDatabase({
    url: dialect === "postgres" ? await createPostgresDatabase() : undefined,
    path: ":memory:",
    busyTimeoutMs: 1000,
    synchronous: "normal",
  });
}

/** What a repository receives (db/store.ts), for a test database and clock; logs go nowhere. */
export function storeOf(database: ConsoleDatabase, now?: () => number): Store {
  return {
    db: database.db,
    dialect: database.dialect,
    clock: clockFrom(now),
    logger: createLogger("silent"),
  };
}
