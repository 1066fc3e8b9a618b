/**
 * The console's database could not be read or written. Storage code throws this and nothing
 * else for it; http/problem.ts turns it into the one 503 answer (nothing may be done unrecorded).
 */
export class StorageUnavailable extends Error {
  constructor(
    /** What could not be stored, for the log: "audit record", "rate limit", … */
    readonly what: string,
    options?: { cause?: unknown },
  ) {
    super(`${what} could not be stored`, options);
    this.name = "StorageUnavailable";
  }
}
