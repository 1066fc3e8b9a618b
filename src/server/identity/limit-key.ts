import type { Principal } from "./sessions";

/**
 * Whose budget an action counts against: the proven identity when there is one (a local
 * account, an OIDC subject), never a typed name. With the shared access code nothing is proven,
 * so the budget is the client address (as TRUST_PROXY says): typing a new name resets nothing.
 */
export function limitKeyOf(principal: Principal, clientAddress: string): string {
  return principal.subject ? `person:${principal.subject}` : `address:${clientAddress}`;
}

/** The proven identity back from a limit key (a job's owner), or null for an address. */
export function subjectOfOwner(ownerKey: string | null): string | null {
  return ownerKey?.startsWith("person:") ? ownerKey.slice("person:".length) : null;
}

/** Whether the records can say who this was: false for a name typed with the shared code. */
export function nameVerified(principal: Principal): boolean {
  return Boolean(principal.subject);
}
