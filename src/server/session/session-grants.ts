import { createHash, scryptSync } from "node:crypto";
import type { Role } from "../../shared/session";
import type { GrantCheck } from "../identity/sessions";
import { roleFor } from "./oidc";
import type { RoleRules } from "./oidc";

/** The grant checks of each sign-in method (decision 017). */

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** An account entry's fingerprint: its role and code hash (the hash has its own random salt). */
export function accountFingerprint(role: Role, codeHash: string): string {
  return sha256(`account\n${role}\n${codeHash}`);
}

/**
 * The shared code's fingerprint. Stored with every session, so it is slow to reverse: scrypt
 * with a fixed salt, computed once per start (a code guessed from it is a code guessed).
 */
export function sharedCodeFingerprint(accessCode: string): string {
  return scryptSync(accessCode.normalize("NFC"), "ciba-fail-console shared code", 32, {
    N: 2 ** 14,
    r: 8,
    p: 1,
  }).toString("hex");
}

/** The shared code: a session holds while the code it was granted by is the code (its role stays). */
export function sharedCodeGrant(fingerprint: string): GrantCheck {
  return (session) => (session.fingerprint === fingerprint ? session.role : undefined);
}

/** What the grant check needs of the local accounts (kept structural: local-accounts.ts hashes with accountFingerprint). */
interface AccountsBySubject {
  bySubject(subject: string): { role: Role; fingerprint: string } | undefined;
}

export function accountsGrant(accounts: AccountsBySubject): GrantCheck {
  return (session) => {
    const current = session.subject === null ? undefined : accounts.bySubject(session.subject);
    return current && current.fingerprint === session.fingerprint ? current.role : undefined;
  };
}

/** OIDC: the role the session's claims earn under the current OIDC_* lists; none ends it. */
export function oidcGrant(rules: RoleRules): GrantCheck {
  return (session) => {
    if (session.claims === null) return undefined;
    try {
      return roleFor(JSON.parse(session.claims) as Record<string, unknown>, rules);
    } catch {
      return undefined;
    }
  };
}
