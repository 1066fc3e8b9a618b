import { setTimeout } from "node:timers/promises";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { SessionInfo } from "../../shared/session";
import type { AuditTrail } from "../actions/audit-trail";
import { draftRecord } from "../actions/caller";
import type { AppEnv } from "../http/app-env";
import type { Logger } from "../logger";
import { sessionCookieName } from "../http/guards";
import { callerOf, requestFacts } from "../http/request-context";
import { nameVerified } from "../identity/limit-key";
import type { Principal, SessionStore, SignInThrottle } from "../identity/sessions";
import { MAX_NAMES_TRIED, secretsEqual } from "../identity/sessions";
import { RateLimitedLog } from "../http/rate-limited-log";
import { LocalAccounts } from "./local-accounts";
import { sharedCodeFingerprint } from "./session-grants";
import type { OidcSignIn } from "./oidc";

/** One access code for everyone, and a typed name: for one person trying the console. */
export interface SharedCodeSignIn {
  mode: "local";
  accessCode: string;
  /** The code's fingerprint, kept with each session: a new code ends the old sessions. */
  fingerprint: string;
}

export function sharedCodeSignIn(accessCode: string): SharedCodeSignIn {
  return { mode: "local", accessCode, fingerprint: sharedCodeFingerprint(accessCode) };
}

/** CONSOLE_USERS: a name and a personal code per person. */
export interface AccountsSignIn {
  mode: "accounts";
  accounts: LocalAccounts;
}

export interface ConsoleAuth {
  sessions: SessionStore;
  method: SharedCodeSignIn | AccountsSignIn | OidcSignIn;
  /** SESSION_IDLE_MINUTES (or _SECONDS): the page warns before it runs out. */
  idleSeconds: number;
  throttle: SignInThrottle;
  /** Where refused sign-ins are logged, one line each. */
  logger: Logger;
}

/** A refused sign-in, as its record says it. */
export interface Refusal {
  outcome: "refused" | "forbidden";
  who: string;
  detail: string;
}

export type SignInResult =
  | { kind: "signed-in"; principal: Principal }
  | { kind: "refused"; refusal: Refusal }
  | { kind: "throttled"; retryAfterSeconds: number; why: string };

/** The throttle's key for a client address: every sign-in from it counts there. */
export const addressKey = (c: Context<AppEnv>) => `address:${c.var.client.address}`;

/**
 * The one sign-in sequence, for a code and for OpenID Connect alike: counted by the throttle
 * before anything is checked (parallel guesses each wait for the ones before), then checked;
 * a refusal is recorded as the window's one record for the address, a success is recorded
 * and starts a new session.
 */
export async function throttledSignIn(
  c: Context<AppEnv>,
  deps: { auth: ConsoleAuth; audit: AuditTrail },
  keys: string[],
  check: () => Promise<{ principal: Principal } | { refusal: Refusal }>,
): Promise<SignInResult> {
  const { auth, audit } = deps;
  const admission = await auth.throttle.admit(keys);
  if (!admission.admitted) {
    return {
      kind: "throttled",
      retryAfterSeconds: admission.retryAfterSeconds,
      why: admission.why,
    };
  }
  try {
    if (admission.delayMs > 0) await setTimeout(admission.delayMs);
    const checked = await check();
    if ("refusal" in checked) {
      await recordRefusal(c, deps, checked.refusal);
      return { kind: "refused", refusal: checked.refusal };
    }
    const { principal } = checked;
    await auth.throttle.succeeded(keys);
    await audit.record({
      ...draftRecord(callerOf(c, principal)),
      kind: "sign-in",
      outcome: "succeeded",
    });
    await startSession(c, auth, principal);
    return { kind: "signed-in", principal };
  } finally {
    auth.throttle.settle(keys);
  }
}

/** Who a name and code sign in as, or undefined when they do not. */
export async function checkCode(
  method: SharedCodeSignIn | AccountsSignIn,
  name: string,
  code: string,
): Promise<Principal | undefined> {
  if (method.mode === "local") {
    // The shared code makes everyone an operator under the name they type (nothing proves it).
    return secretsEqual(code.trim(), method.accessCode)
      ? {
          name,
          email: null,
          role: "operator",
          subject: null,
          grant: { fingerprint: method.fingerprint },
        }
      : undefined;
  }
  const account = await method.accounts.verify(name, code);
  return (
    account && {
      name: account.name,
      role: account.role,
      email: null,
      subject: LocalAccounts.subjectOf(account.name),
      grant: { fingerprint: account.fingerprint },
    }
  );
}

export function sessionInfo(principal: Principal): SessionInfo {
  return {
    name: principal.name,
    email: principal.email,
    role: principal.role,
    nameVerified: nameVerified(principal),
  };
}

/** Starts a session for a signed-in person: a new ID every time (no session fixation). */
async function startSession(
  c: Context<AppEnv>,
  auth: ConsoleAuth,
  principal: Principal,
): Promise<void> {
  await auth.sessions.delete(getCookie(c, sessionCookieName(c)));
  const id = await auth.sessions.create(principal);
  setCookie(c, sessionCookieName(c), id, {
    httpOnly: true,
    sameSite: "Strict",
    secure: c.var.client.https,
    path: "/",
  });
  c.var.logFields.operator = principal.name;
}

/**
 * Records a refused sign-in as the window's one record for this key (the address, by default):
 * the first refusal writes it, later ones rewrite its count and the names tried, so a burst of
 * guesses cannot fill the disk. Nobody was proven, so the record names whoever was claimed,
 * unverified. Each refusal also gets a log line (rate-limited), so a SIEM sees every name.
 */
export function recordRefusal(
  c: Context<AppEnv>,
  { auth, audit }: { auth: ConsoleAuth; audit: AuditTrail },
  refusal: Refusal,
  key = addressKey(c),
) {
  refusalLog.write(auth.logger, {
    event: "sign-in-refused",
    who: refusal.who,
    address: c.var.client.address,
    reason: refusal.detail,
  });
  return auth.throttle.recordRefusal(
    key,
    refusal,
    async (openForMs) =>
      (
        await audit.record({
          ...requestFacts(c),
          kind: "sign-in",
          outcome: refusal.outcome,
          operator: refusal.who,
          nameVerified: false,
          detail: refusal.detail,
          // Rewritten with the window's count until it ends: then it enters the audit chain.
          openForMs,
        })
      ).id,
    (auditId, window) =>
      audit.amendDetail(
        auditId,
        `${window.firstDetail}; ${window.failures} sign-in attempts from this address since ${new Date(window.windowStart).toISOString()}; names tried: ${window.namesTried.join(", ")}${window.namesTried.length >= MAX_NAMES_TRIED ? " (the first 20)" : ""}`,
      ),
  );
}

/** One line per refused sign-in, at most 20 a second per process, then one line that counts the rest. */
const refusalLog = new RateLimitedLog(20, 1000);
