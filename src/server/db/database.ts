import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import type { LogEvent, MigrationProvider } from "kysely";

type Logger = (event: LogEvent) => void;
import pg from "pg";
import { MIGRATIONS } from "./migrations";
import type { ConsoleSchema } from "./schema";

export type SqlDatabase = Kysely<ConsoleSchema>;

export interface DatabaseOptions {
  /** DATABASE_URL (postgres:// or postgresql://); without it, SQLite at `path`. */
  url?: string;
  /** A SQLite file path, or ":memory:" for tests. */
  path: string;
  /** SQLite: how long a write waits for a lock before it gives up (and the action with it). */
  busyTimeoutMs: number;
  /** SQLite: FULL syncs every commit (survives a power loss), NORMAL only a process crash. */
  synchronous: "full" | "normal";
  /** Called with every query's SQL (Kysely's log hook): tests count a route's queries. */
  onQuery?: (sql: string) => void;
  /** The console's clock (tests move it): the SQLite file's claim is stamped with it. */
  now?: () => number;
}

/** The console's one database, opened and migrated once by the composition root. */
export interface ConsoleDatabase {
  db: SqlDatabase;
  dialect: "sqlite" | "postgres";
  /** Where it is, for the start banner: the file, or the server and database (no password). */
  description: string;
  close(): Promise<void>;
}

export class DatabaseInUseError extends Error {}

// PostgreSQL's bigint arrives as a string by default; every bigint here is epoch milliseconds
// or a count, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

/**
 * Opens the database and brings its schema up to date (under Kysely's migration lock).
 *
 * SQLite runs in WAL mode, so reads never block the writer. With synchronous=FULL (the default,
 * decision 011) each commit is on disk before the call goes out; NORMAL keeps commits through a
 * crash of the process but may lose the last ones to a power loss or a kernel crash.
 */
export async function openDatabase(options: DatabaseOptions): Promise<ConsoleDatabase> {
  if (options.url) return openPostgres(options.url, options);
  return openSqlite(options);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<ConsoleDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<ConsoleSchema>({
    dialect: new PostgresDialect({ pool }),
    log: queryLog(options),
  });
  await migrate(db);
  const { host, pathname } = new URL(url);
  return {
    db,
    dialect: "postgres",
    description: `PostgreSQL ${host || "(local socket)"}${pathname}`,
    close: () => db.destroy(),
  };
}

/**
 * The database for a reader beside the console (npm run audit:verify): no migration, no claim
 * of the SQLite file (the console keeps it), and SQLite opened read-only.
 */
export function openForReading(options: { url?: string; path: string }): ConsoleDatabase {
  if (options.url) {
    const db = new Kysely<ConsoleSchema>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: options.url, max: 1 }),
      }),
    });
    return { db, dialect: "postgres", description: "PostgreSQL", close: () => db.destroy() };
  }
  const file = new Database(options.path, { readonly: true, fileMustExist: true });
  const db = new Kysely<ConsoleSchema>({ dialect: new SqliteDialect({ database: file }) });
  return { db, dialect: "sqlite", description: options.path, close: () => db.destroy() };
}

function queryLog({ onQuery }: DatabaseOptions): Logger | undefined {
  if (!onQuery) return undefined;
  return (event) => {
    if (event.level === "query") onQuery(event.query.sql);
  };
}

/**
 * The audit trail names people and holds sealed tickets: its folder is made 0700 and its file
 * 0600 (owner only), whatever the umask. SQLite gives the -wal and -shm files the file's mode.
 * A folder that already exists is left alone (it may be shared, e.g. /var/lib); the file is
 * tightened if it was wider.
 */
function createPrivately(path: string): void {
  const folder = dirname(path);
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
  }
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
}

async function openSqlite(options: DatabaseOptions): Promise<ConsoleDatabase> {
  if (options.path !== ":memory:") createPrivately(options.path);
  const file = new Database(options.path);
  file.pragma("journal_mode = WAL");
  file.pragma(`synchronous = ${options.synchronous.toUpperCase()}`);
  file.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  bringLegacyFileToStepOne(file);
  const db = new Kysely<ConsoleSchema>({
    dialect: new SqliteDialect({ database: withStatementCache(file) }),
    log: queryLog(options),
  });
  await migrate(db);
  const instance = await claimSqliteFile(db, options.path, options.now ?? Date.now);
  return {
    db,
    dialect: "sqlite",
    description: options.path,
    async close() {
      await instance.release();
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every query anew; better-sqlite3's statements can be run again and again.
 * The console's queries are a few dozen shapes, so each is prepared once (measured: about
 * 0.05 ms a statement, several per request).
 */
function withStatementCache(file: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => file.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = file.prepare(sql);
        // Bounded: a query built from many values (a long IN list) is its own shape.
        if (statements.size >= 500) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

async function migrate(db: SqlDatabase): Promise<void> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName;
    throw new Error(`The database schema could not be brought up to date (${failed ?? "?"})`, {
      cause: error,
    });
  }
}

/**
 * Consoles before PostgreSQL support counted their schema steps in `PRAGMA user_version`. A file
 * at step 1 lacks the bulk tables of step 2: add them, so that migration 001 (IF NOT EXISTS)
 * finds the file exactly as it would have made it.
 */
function bringLegacyFileToStepOne(file: Database.Database): void {
  const version = file.pragma("user_version", { simple: true }) as number;
  if (version !== 1) return;
  file.exec("ALTER TABLE audit_events ADD COLUMN job_id TEXT; PRAGMA user_version = 2;");
}

const INSTANCE_HEARTBEAT_MS = 10_000;

/**
 * Two consoles on one SQLite file would both run its bulk jobs and race on its counters: refuse
 * the second where it can be seen. On this host: a live process holds the file. From another
 * host (a shared volume): a heartbeat younger than three beats.
 */
async function claimSqliteFile(db: SqlDatabase, path: string, now: () => number) {
  const id = randomUUID();
  const host = hostname();
  if (path !== ":memory:") {
    const others = await db.selectFrom("console_instances").selectAll().execute();
    for (const other of others) {
      const alive =
        other.host === host
          ? other.pid !== process.pid && processIsAlive(other.pid)
          : now() - other.heartbeat_at < 3 * INSTANCE_HEARTBEAT_MS;
      if (alive) {
        await db.destroy();
        throw new DatabaseInUseError(
          `another console (process ${other.pid} on ${other.host}) is using ${path}. ` +
            "Two consoles on one SQLite file are not supported: give each its own AUDIT_DB, " +
            "or set DATABASE_URL to run replicas on PostgreSQL.",
        );
      }
      if (other.pid !== process.pid || other.host !== host) {
        await db.deleteFrom("console_instances").where("id", "=", other.id).execute();
      }
    }
  }
  const beat = () =>
    db
      .insertInto("console_instances")
      .values({ id, host, pid: process.pid, heartbeat_at: now() })
      .onConflict((conflict) => conflict.column("id").doUpdateSet({ heartbeat_at: now() }))
      .execute();
  await beat();
  const timer = setInterval(() => void beat().catch(() => undefined), INSTANCE_HEARTBEAT_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await db.deleteFrom("console_instances").where("id", "=", id).execute();
    },
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
