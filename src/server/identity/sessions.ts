import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Role } from "../../shared/session";

/**
 * Who is signed in: with the shared access code a typed name; with a local account its name;
 * with OIDC the ID token's name and email.
 */
export interface Principal {
  name: string;
  email: string | null;
  role: Role;
  /**
   * The proven identity ("account:alice", "oidc:<issuer> <sub>"): limits and job ownership are
   * keyed by it. Absent when the name was typed with the shared code: nothing proves it.
   */
  subject?: string | null;
  /** What the session is granted from, checked again on every request (session-grants.ts). */
  grant?: SessionGrant;
}

/** A local account's or the shared code's fingerprint, or the OIDC claims the role comes from. */
export type SessionGrant = { fingerprint: string } | { claims: Record<string, unknown> };

/** A stored session's grant, as the check reads it. */
export interface StoredGrant {
  role: Role;
  subject: string | null;
  fingerprint: string | null;
  claims: string | null;
}

/**
 * What a session is worth now (decision 017): every request checks the session's grant against
 * the current accounts, so removing someone, changing their role or their code ends their
 * sessions, and a restart with changed OIDC_* lists gives OIDC sessions their new role.
 */
export type GrantCheck = (session: StoredGrant) => Role | undefined;

/** What a new session stores of its grant. */
export function storedGrantOf(grant: SessionGrant | undefined): {
  fingerprint: string | null;
  claims: string | null;
} {
  if (grant === undefined) return { fingerprint: null, claims: null };
  return "fingerprint" in grant
    ? { fingerprint: grant.fingerprint, claims: null }
    : { fingerprint: null, claims: JSON.stringify(grant.claims) };
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
/**
 * Why a cookie no longer signs anyone in, for the page to say: idle or absolute time ran out,
 * the account changed, or the session is gone (signed out here or elsewhere, or never was).
 */
export type SessionEnd = "idle" | "absolute" | "account-changed" | "gone";

export interface SessionStore {
  create(principal: Principal): Promise<string>;
  /** The live session, its idle clock restarted; undefined once idle or absolute time ran out. */
  touch(id: string | undefined): Promise<Session | undefined>;
  /** touch(), saying why when there is no live session. */
  check(id: string | undefined): Promise<{ session: Session } | { ended: SessionEnd }>;
  delete(id: string | undefined): Promise<void>;
  /** Ends the sessions of one person (by subject, or by name for the shared code) or everyone's. */
  signOut(who: { everyone: true } | { name: string }): Promise<number>;
  /** At start: ends sessions whose grant no longer holds, and sets OIDC sessions' new role. */
  recheckAll(): Promise<{ ended: number; roleChanged: number }>;
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

/** A sign-in may go ahead after `delayMs`, or is refused until the lockout ends. */
export type SignInAdmission =
  | { admitted: true; delayMs: number }
  | { admitted: false; retryAfterSeconds: number; why: "locked-out" | "in-flight" };

/**
 * Slows down and then stops guessing (a port; counted in the database, so across replicas), per
 * key: the client address, and the account when one is named. Each attempt is counted as a
 * failure before it is decided (parallel guesses each see the ones before), waits twice as
 * long as the one before (0.25 s, 0.5 s … up to 8 s), and after SIGN_IN_LOCKOUT_AFTER failures
 * in a window the key is locked out until the window ends. A right code clears its keys.
 */
export interface SignInThrottle {
  admit(keys: string[]): Promise<SignInAdmission>;
  /** The attempt is over (whatever came of it): frees its in-flight slot. */
  settle(keys: string[]): void;
  succeeded(keys: string[]): Promise<void>;
  /**
   * The window's one audit record of refused sign-ins for this key: written by `write` for the
   * first refusal, then amended by `amend` with the window's count, its first reason and the
   * distinct names tried (the first MAX_NAMES_TRIED).
   */
  recordRefusal(
    key: string,
    refusal: { who: string; detail: string; outcome?: string },
    /** Writes the record, which stays open for `openForMs` (until the window ends). */
    write: (openForMs: number) => Promise<number>,
    amend: (auditId: number, window: RefusalWindow) => Promise<void>,
  ): Promise<void>;
  /**
   * Counts a refusal that is not a guess (an OIDC callback nobody started, the provider's own
   * refusal) under its own key, for its window's record: it never locks anyone out.
   */
  countWithoutLockout(key: string): Promise<void>;
}

/** What a window's refusal record says, beyond its first refusal. */
export interface RefusalWindow {
  failures: number;
  windowStart: number;
  firstDetail: string;
  namesTried: string[];
}

/** Distinct names a window's record lists: enough for a SIEM, bounded for the disk. */
export const MAX_NAMES_TRIED = 20;

export function signInDelayMs(failures: number): number {
  return failures === 0 ? 0 : Math.min(250 * 2 ** (failures - 1), 8000);
}
