/**
 * The composition root's sign-in part (console.ts): who may use the API, and how people sign
 * in, from the settings.
 */
import type { ConsoleSettings } from "./config";
import type { Store } from "./db/store";
import { SqlSessionStore } from "./identity/session-store";
import { generateAccessCode } from "./identity/sessions";
import { OidcSignIn } from "./session/oidc";
import type { ConsoleAuth } from "./session/sign-in";
import { SqlSignInThrottle } from "./session/sign-in-throttle";
import { SqlPendingSignIns } from "./session/pending-sign-ins";
import { accountsGrant, oidcGrant, sharedCodeGrant } from "./session/session-grants";
import { sharedCodeSignIn } from "./session/sign-in";

/** Who may use the API, and how people sign in: the shared code, accounts or OIDC. */
export function authOf(
  settings: ConsoleSettings,
  store: Store,
  /** Told of each refused sign-in (the metrics). */
  refused?: (outcome: string) => void,
) {
  const signIn = settings.auth.method;
  const generatedAccessCode =
    signIn.mode === "local" && signIn.accessCode === undefined ? generateAccessCode() : undefined;
  const method: ConsoleAuth["method"] =
    signIn.mode === "local"
      ? sharedCodeSignIn(signIn.accessCode ?? generatedAccessCode!)
      : signIn.mode === "accounts"
        ? signIn
        : new OidcSignIn(signIn, new SqlPendingSignIns(store));
  const grantCheck =
    method.mode === "local"
      ? sharedCodeGrant(method.fingerprint)
      : method.mode === "accounts"
        ? accountsGrant(method.accounts)
        : oidcGrant(method.settings.roles);
  const auth: ConsoleAuth = {
    sessions: new SqlSessionStore(
      store,
      { idleMs: settings.auth.idleMs, absoluteMs: settings.auth.absoluteMs },
      grantCheck,
    ),
    method,
    idleSeconds: Math.round(settings.auth.idleMs / 1000),
    logger: store.logger,
    throttle: new SqlSignInThrottle(store, {
      windowMs: settings.auth.lockoutWindowMs,
      lockoutAfter: settings.auth.lockoutAfter,
      refused,
    }),
  };
  return { auth, generatedAccessCode };
}
