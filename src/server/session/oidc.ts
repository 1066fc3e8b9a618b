import * as client from "openid-client";
import type { Role } from "../../shared/session";
import { VISIBLE_TEXT, visibleText } from "../../shared/text";
import { isLoopbackUrl } from "../http/loopback";
import type { Principal } from "../identity/sessions";
import type { PendingSignIn, SqlPendingSignIns } from "./pending-sign-ins";

/**
 * Sign-in with the organisation's OpenID Provider: authorization code + PKCE (and state and
 * nonce), through openid-client. Who may sign in, and as what, comes from configuration only.
 */

export interface RoleRules {
  supervisorEmails: string[];
  supervisorGroups: string[];
  operatorEmails: string[];
  viewerEmails: string[];
  /** The ID token claim that lists the person's groups (e.g. "groups" or "roles"). */
  groupsClaim: string;
  operatorGroups: string[];
  viewerGroups: string[];
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string;
  roles: RoleRules;
}

/** Why a sign-in did not end with a session; the page words each one for people. */
export type OidcRefusal = "not-allowed" | "failed" | "unavailable";

export type OidcOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; refusal: OidcRefusal; detail: string; who?: string };

type Claims = Record<string, unknown>;

/** Where the provider sends people back (OIDC_REDIRECT_URI defaults to PUBLIC_URL + this). */
export const OIDC_CALLBACK_PATH = "/auth/oidc/callback";

/** The role the claims earn, the highest that matches (supervisor > operator > viewer); undefined means no entry. */
export function roleFor(claims: Claims, rules: RoleRules): Role | undefined {
  const email = typeof claims.email === "string" ? claims.email.toLowerCase() : undefined;
  // Only an address the provider says it has verified proves who signs in: a missing
  // email_verified proves nothing (some providers let people type any address).
  const trustedEmail = claims.email_verified === true ? email : undefined;
  const rawGroups = claims[rules.groupsClaim];
  const groups = new Set(
    Array.isArray(rawGroups)
      ? rawGroups.filter((group): group is string => typeof group === "string")
      : typeof rawGroups === "string"
        ? [rawGroups]
        : [],
  );
  const matches = (emails: string[], groupNames: string[]) =>
    (trustedEmail !== undefined && emails.some((e) => e.toLowerCase() === trustedEmail)) ||
    groupNames.some((group) => groups.has(group));
  if (matches(rules.supervisorEmails, rules.supervisorGroups)) return "supervisor";
  if (matches(rules.operatorEmails, rules.operatorGroups)) return "operator";
  if (matches(rules.viewerEmails, rules.viewerGroups)) return "viewer";
  return undefined;
}

/** A name as local sign-in takes one: visible characters only, at most 100 of them. */
function displayable(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const name = value.trim();
  return name && name.length <= 100 && VISIBLE_TEXT.test(name) ? name : undefined;
}

export function principalOf(claims: Claims, role: Role, issuer: string): Principal {
  const email = displayable(claims.email) ?? null;
  return {
    // A name the provider lets people type is shown and recorded: the same rule as a local
    // account's name, else the email, else the subject (made visible).
    name:
      displayable(claims.name) ??
      displayable(claims.preferred_username) ??
      email ??
      visibleText(String(claims.sub)).slice(0, 100),
    email,
    role,
    // The provider's subject, unique and stable per person at that issuer (OIDC Core §5.7).
    subject: `oidc:${issuer} ${String(claims.sub)}`,
  };
}

/**
 * The claims a session keeps (session-grants.ts computes its role again from them): only the
 * ones principalOf and roleFor read, not the whole ID token.
 */
function grantClaims(claims: Claims, rules: RoleRules): Claims {
  const kept: Claims = {};
  for (const name of ["sub", "email", "email_verified", rules.groupsClaim]) {
    if (claims[name] !== undefined) kept[name] = claims[name];
  }
  return kept;
}

/** A callback whose sign-in was not found: nothing was started in this browser (or too long ago). */
export const NO_PENDING_SIGN_IN =
  "no sign-in was started in this browser, or it took over 10 minutes";

export class OidcSignIn {
  readonly mode = "oidc";
  #configuration: Promise<client.Configuration> | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly pending: SqlPendingSignIns,
  ) {}

  /** Where to send the browser, and the key (for a cookie) to find this sign-in again. */
  async start(address: string): Promise<{ pendingId: string; url: string }> {
    const configuration = await this.#discover();
    const pending: PendingSignIn = {
      codeVerifier: client.randomPKCECodeVerifier(),
      state: client.randomState(),
      nonce: client.randomNonce(),
    };
    const pendingId = await this.pending.add(address, pending);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    });
    return { pendingId, url: url.href };
  }

  /** The started sign-in this browser's cookie names, once; undefined when there is none. */
  take(pendingId: string | undefined): Promise<PendingSignIn | undefined> {
    return this.pending.take(pendingId);
  }

  /** Completes a started sign-in from the provider's redirect (its query string). */
  async finish(pending: PendingSignIn, callbackQuery: string): Promise<OidcOutcome> {
    let claims: Claims | undefined;
    try {
      const configuration = await this.#discover();
      // The address the provider redirected to, whatever proxy stands in front of the console.
      const callback = new URL(this.settings.redirectUri);
      callback.search = callbackQuery;
      const tokens = await client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      return { ok: false, refusal: "failed", detail: describe(error) };
    }
    if (!claims) return { ok: false, refusal: "failed", detail: "no ID token" };
    const role = roleFor(claims, this.settings.roles);
    if (!role) {
      const who = principalOf(claims, "viewer", this.settings.issuer);
      return {
        ok: false,
        refusal: "not-allowed",
        detail: "no allowed email or group",
        who: who.email ?? who.name,
      };
    }
    return {
      ok: true,
      principal: {
        ...principalOf(claims, role, this.settings.issuer),
        grant: { claims: grantClaims(claims, this.settings.roles) },
      },
    };
  }

  /** Discovery on first use, kept once it worked: the provider may start after the console. */
  #discover(): Promise<client.Configuration> {
    this.#configuration ??= client
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        undefined,
        client.ClientSecretPost(this.settings.clientSecret),
        // Plain http only for a provider on this machine (tests, local development).
        isLoopbackUrl(this.settings.issuer) ? { execute: [client.allowInsecureRequests] } : {},
      )
      .catch((error: unknown) => {
        this.#configuration = undefined;
        throw error;
      });
    return this.#configuration;
  }
}

function describe(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError) return `provider: ${error.error}`;
  if (error instanceof client.ResponseBodyError) return `provider: ${error.error}`;
  if (error instanceof Error) return error.message.slice(0, 200);
  return "unknown error";
}
