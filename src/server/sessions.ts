import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Role } from "../shared/session";

/** Who is signed in: in local mode a typed name; with OIDC the ID token's name and email. */
export interface Principal {
  name: string;
  email: string | null;
  role: Role;
}

export interface Session extends Principal {
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/**
 * Server-side sessions in memory: the cookie holds only a random ID. A restart signs everyone
 * out, which is acceptable for a console used in short, deliberate visits.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  create(principal: Principal): string {
    const id = randomBytes(32).toString("base64url");
    const at = this.now();
    this.#sessions.set(id, { ...principal, createdAt: at, lastSeenAt: at });
    return id;
  }

  /** The live session, its idle clock restarted; undefined once idle or absolute time ran out. */
  touch(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    const at = this.now();
    if (
      at - session.lastSeenAt > this.limits.idleMs ||
      at - session.createdAt > this.limits.absoluteMs
    ) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = at;
    return session;
  }

  delete(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }
}

/** Compares secrets in constant time (hashing first makes the lengths equal). */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A code a person can copy from a terminal: 128 random bits, base64url. */
export function generateAccessCode(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * Slows down guessing: after each wrong code from a client, the next answer waits twice as long
 * (0.25 s, 0.5 s, 1 s … up to 8 s). A right code clears the count.
 */
export class FailedSignIns {
  readonly #failures = new Map<string, number>();

  delayMs(client: string): number {
    const failures = this.#failures.get(client) ?? 0;
    return failures === 0 ? 0 : Math.min(250 * 2 ** (failures - 1), 8000);
  }

  record(client: string): void {
    this.#failures.set(client, (this.#failures.get(client) ?? 0) + 1);
  }

  clear(client: string): void {
    this.#failures.delete(client);
  }
}
