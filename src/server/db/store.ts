import type { Logger } from "../logger";
import type { Clock } from "./clock";
import type { SqlDatabase } from "./database";

/**
 * What every repository receives, the same way, as its first argument: the one query layer
 * (Kysely over SQLite or PostgreSQL), which of the two it is, the clock and the logger. Its own
 * settings, if any, come second.
 */
export interface Store {
  db: SqlDatabase;
  dialect: "sqlite" | "postgres";
  clock: Clock;
  logger: Logger;
}
