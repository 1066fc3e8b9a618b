import { asText } from "./request-values";
import type { ResultCode } from "./result-codes";
import type { SimulatedClient, SimulatedService } from "./seed-types";

/**
 * Reading a backchannel authentication request as Authlete does: the client's credentials, then
 * the request parameters (CIBA Core §7.1) against the service's settings.
 */

/**
 * The client whose credentials these are, in this service. They come as `clientId` and
 * `clientSecret` (the authorization server read them from Basic authentication); a
 * CLIENT_SECRET_POST client may instead have sent them in the form, inside `parameters`.
 */
export function authenticatedClient(
  clients: readonly SimulatedClient[],
  serviceId: string,
  body: Record<string, unknown>,
  parameters: URLSearchParams,
): SimulatedClient | undefined {
  const id = asText(body.clientId) || parameters.get("client_id") || "";
  const client = clients.find(
    (candidate) => candidate.serviceId === serviceId && candidate.clientId === id,
  );
  if (!client) return undefined;
  const secret =
    typeof body.clientSecret === "string"
      ? body.clientSecret
      : client.tokenAuthMethod === "CLIENT_SECRET_POST"
        ? parameters.get("client_secret")
        : undefined;
  return secret === client.clientSecret ? client : undefined;
}

/**
 * An error's responseContent in Authlete's form: `[code] message` as error_description, and
 * error_uri at Authlete's documentation of the code. The simulator's own codes (A99xxxx) have
 * no page there, so they get no error_uri.
 */
export function errorContent(error: string, result: ResultCode): string {
  return JSON.stringify({
    error_description: result.message,
    error,
    ...(!result.code.startsWith("A99") && {
      error_uri: `https://docs.authlete.com/#${result.code}`,
    }),
  });
}

type HintType = "LOGIN_HINT" | "LOGIN_HINT_TOKEN" | "ID_TOKEN_HINT";

export interface AuthenticationRequest {
  hintType: HintType;
  hint: string;
  /** The subject of an id_token_hint. */
  sub?: string;
  bindingMessage?: string;
  userCode?: string;
  notificationToken?: string;
  requestedExpiry?: number;
  acrs: string[];
  /** Requested scopes the service supports (others are dropped, as Authlete drops them). */
  scopes: { name: string; defaultEntry: boolean }[];
  /** Claims asked for in the `claims` parameter that the service supports. */
  claimNames: string[];
}

export function readAuthenticationRequest(
  parameters: URLSearchParams,
  service: SimulatedService,
): AuthenticationRequest | { problem: string } {
  const requested = (parameters.get("scope") ?? "").split(" ").filter(Boolean);
  if (!requested.includes("openid"))
    return { problem: "The 'scope' parameter must include 'openid'." };
  const hints = (
    [
      ["LOGIN_HINT", parameters.get("login_hint")],
      ["LOGIN_HINT_TOKEN", parameters.get("login_hint_token")],
      ["ID_TOKEN_HINT", parameters.get("id_token_hint")],
    ] as const
  ).filter((entry): entry is [HintType, string] => entry[1] !== null && entry[1] !== "");
  if (hints.length !== 1) {
    return {
      problem: "Exactly one of login_hint, login_hint_token and id_token_hint is required.",
    };
  }
  const [[hintType, hint]] = hints as [[HintType, string]];
  let sub: string | undefined;
  if (hintType === "ID_TOKEN_HINT") {
    sub = subjectOf(hint);
    if (sub === undefined) return { problem: "The 'id_token_hint' is not an ID token." };
  }
  const expiry = parameters.get("requested_expiry");
  if (expiry !== null && !/^[1-9]\d{0,8}$/.test(expiry)) {
    return { problem: "The 'requested_expiry' parameter must be a positive integer." };
  }
  const claims = claimsOf(parameters.get("claims"));
  if (claims === undefined) return { problem: "The 'claims' parameter is not a JSON object." };
  const supported = new Map(service.supportedScopes.map((scope) => [scope.name, scope]));
  return {
    hintType,
    hint,
    sub,
    bindingMessage: parameters.get("binding_message") ?? undefined,
    userCode: parameters.get("user_code") ?? undefined,
    notificationToken: parameters.get("client_notification_token") ?? undefined,
    requestedExpiry: expiry === null ? undefined : Number(expiry),
    acrs: (parameters.get("acr_values") ?? "").split(" ").filter(Boolean),
    scopes: requested.flatMap((name) => {
      const scope = supported.get(name);
      return scope ? [{ name: scope.name, defaultEntry: scope.defaultEntry }] : [];
    }),
    claimNames: claims.filter((name) => service.supportedClaims.includes(name)),
  };
}

/** The `sub` of a JWT-shaped hint (its signature is not checked here: a simulator). */
function subjectOf(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.slice(0, 2).some((part) => !/^[\w-]+$/.test(part))) {
    return undefined;
  }
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as unknown;
    const sub = (payload as { sub?: unknown } | null)?.sub;
    return typeof sub === "string" && sub !== "" ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** The claim names of a `claims` parameter (its id_token and userinfo members); [] without one. */
function claimsOf(text: string | null): string[] | undefined {
  if (text === null || text === "") return [];
  try {
    const claims = JSON.parse(text) as unknown;
    if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return undefined;
    const members = claims as Record<string, unknown>;
    return [...new Set(["id_token", "userinfo"].flatMap((key) => Object.keys(members[key] ?? {})))];
  } catch {
    return undefined;
  }
}
