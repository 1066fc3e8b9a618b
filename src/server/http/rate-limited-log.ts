import type { Logger } from "../logger";

/**
 * Log lines for events a stranger can cause at will (refused sign-ins): each one is written, up
 * to `perWindow` in a window; past that, one line at the next window says how many were left
 * out. The log stays readable and the disk safe while a SIEM still sees every burst.
 */
export class RateLimitedLog {
  #windowStart = 0;
  #written = 0;
  #dropped = 0;

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  write(logger: Logger, fields: Record<string, unknown> & { event: string }): void {
    const at = this.now();
    if (at - this.#windowStart >= this.windowMs) {
      if (this.#dropped > 0) {
        logger.warn(
          { event: fields.event, notLogged: this.#dropped },
          `${fields.event}: ${this.#dropped} more were not logged (rate limit)`,
        );
      }
      this.#windowStart = at;
      this.#written = 0;
      this.#dropped = 0;
    }
    if (this.#written < this.perWindow) {
      this.#written += 1;
      logger.warn(fields, fields.event);
    } else {
      this.#dropped += 1;
    }
  }
}
