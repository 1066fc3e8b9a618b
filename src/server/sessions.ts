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
 * Server-side sessions (a port): the cookie holds only a random id. They live in the console's
 * database (store/session-store.ts), so a restart signs no one out and any replica knows them.
 */
export interface SessionStore {
  create(principal: Principal): Promise<string>;
  /** The live session, its idle clock restarted; undefined once idle or absolute time ran out. */
  touch(id: string | undefined): Promise<Session | undefined>;
  delete(id: string | undefined): Promise<void>;
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
 * Slows down guessing (a port; counted in the database, so across replicas): after each wrong
 * code from a client, the next answer waits twice as long (0.25 s, 0.5 s, 1 s … up to 8 s).
 * A right code clears the count.
 */
export interface FailedSignIns {
  delayMs(client: string): Promise<number>;
  record(client: string): Promise<void>;
  clear(client: string): Promise<void>;
}

export function signInDelayMs(failures: number): number {
  return failures === 0 ? 0 : Math.min(250 * 2 ** (failures - 1), 8000);
}
