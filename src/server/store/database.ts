import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations";

export type SqliteDatabase = Database.Database;

export interface DatabaseOptions {
  /** A file path, or ":memory:" for tests. */
  path: string;
  /** How long a write waits for a lock before it gives up (and the action with it). */
  busyTimeoutMs: number;
}

/**
 * The console's one SQLite database: the audit trail and the bulk jobs. Opened once by the
 * composition root and handed to each store; no store hands it on.
 *
 * WAL, so reads never block the writer. synchronous=NORMAL: in WAL mode a commit survives a
 * crash of the process (the WAL is in the OS's cache) but the last commits can be lost to a
 * power loss or a kernel crash; decision 005 says why that is the embedded default.
 */
export function openDatabase(options: DatabaseOptions): SqliteDatabase {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  migrate(db);
  return db;
}

/** Brings a database made by an older console up to date; `user_version` counts the steps. */
function migrate(db: SqliteDatabase): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
