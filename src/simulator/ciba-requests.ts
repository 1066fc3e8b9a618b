import { asText } from "./request-values";
import { tryGetContext } from "hono/context-storage";
import { RESULT, RESULT_CODES_PAGE } from "./result-codes";
import { requestParameters } from "./request-parameters";
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
 * error_uri at the code's documentation: Authlete's for Authlete's codes, and for the
 * simulator's own (A99…), which Authlete's documentation does not have, the simulator's page
 * that lists them, on the origin the request came to.
 */
export function errorContent(error: string, result: ResultCode): string {
  const origin = new URL(tryGetContext()?.req.url ?? "http://simulator.invalid").origin;
  return JSON.stringify({
    error_description: result.message,
    error,
    error_uri: result.code.startsWith("A99")
      ? `${origin}${RESULT_CODES_PAGE}#${result.code}`
      : `https://docs.authlete.com/#${result.code}`,
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
  /** The acr_values the service supports (its supportedAcrs), in request order. */
  acrs: string[];
  /** Requested scopes the service supports (others are dropped, as Authlete drops them). */
  scopes: { name: string; defaultEntry: boolean }[];
  /** The claims those scopes stand for (OpenID Connect Core §5.4). */
  claimNames: string[];
  /** `resource` (RFC 8707), each an absolute URI. */
  resources: string[];
  /** `authorization_details` (RFC 9396), as Authlete's AuthzDetails. */
  authorizationDetails?: { elements: Record<string, unknown>[] };
  /** The request object's `request_context` claim (FAPI-CIBA), as JSON text. */
  requestContext?: string;
}

/** Why the request is refused: the error the client gets, and Authlete's code. */
export interface Refusal {
  error: string;
  result: ResultCode;
}

const badRequest = (problem: string): Refusal => ({
  error: "invalid_request",
  result: RESULT.authenticationBadRequest(problem),
});

/** OpenID Connect Core 1.0 §5.4: the claims each scope value requests. */
const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
  ],
  email: ["email", "email_verified"],
  address: ["address"],
  phone: ["phone_number", "phone_number_verified"],
};

export function readAuthenticationRequest(
  form: URLSearchParams,
  service: SimulatedService,
): AuthenticationRequest | Refusal {
  const parameters = requestParameters(form);
  if (!parameters) return { error: "invalid_request", result: RESULT.badRequestObject };
  const requested = (parameters.get("scope") ?? "").split(" ").filter(Boolean);
  if (!requested.includes("openid"))
    return badRequest("The 'scope' parameter must include 'openid'.");
  const hints = (
    [
      ["LOGIN_HINT", parameters.get("login_hint")],
      ["LOGIN_HINT_TOKEN", parameters.get("login_hint_token")],
      ["ID_TOKEN_HINT", parameters.get("id_token_hint")],
    ] as const
  ).filter((entry): entry is [HintType, string] => entry[1] !== null && entry[1] !== "");
  if (hints.length !== 1) {
    return badRequest("Exactly one of login_hint, login_hint_token and id_token_hint is required.");
  }
  const [[hintType, hint]] = hints as [[HintType, string]];
  let sub: string | undefined;
  if (hintType === "ID_TOKEN_HINT") {
    sub = subjectOf(hint);
    if (sub === undefined) return badRequest("The 'id_token_hint' is not an ID token.");
  }
  const expiry = parameters.get("requested_expiry");
  if (expiry !== null && !/^[1-9]\d{0,8}$/.test(expiry)) {
    return badRequest("The 'requested_expiry' parameter must be a positive integer.");
  }
  const claims = parameters.json("claims");
  if (claims && ("malformed" in claims || !isObject(claims.value))) {
    return badRequest("The 'claims' parameter is not a JSON object.");
  }
  const resources = parameters.getAll("resource");
  if (!resources.every(isResource))
    return { error: "invalid_target", result: RESULT.invalidTarget };
  const details = parameters.json("authorization_details");
  if (details && !isAuthorizationDetails(details)) {
    return { error: "invalid_authorization_details", result: RESULT.invalidAuthorizationDetails };
  }
  const context = parameters.json("request_context");
  const supported = new Map(service.supportedScopes.map((scope) => [scope.name, scope]));
  const scopes = requested.flatMap((name) => {
    const scope = supported.get(name);
    return scope ? [{ name: scope.name, defaultEntry: scope.defaultEntry }] : [];
  });
  return {
    hintType,
    hint,
    sub,
    bindingMessage: parameters.get("binding_message") ?? undefined,
    userCode: parameters.get("user_code") ?? undefined,
    notificationToken: parameters.get("client_notification_token") ?? undefined,
    requestedExpiry: expiry === null ? undefined : Number(expiry),
    acrs: (parameters.get("acr_values") ?? "")
      .split(" ")
      .filter((acr) => acr !== "" && service.supportedAcrs.includes(acr)),
    scopes,
    claimNames: [...new Set(scopes.flatMap((scope) => SCOPE_CLAIMS[scope.name] ?? []))],
    resources,
    ...(details && { authorizationDetails: { elements: details.value } }),
    ...(context && !("malformed" in context) && { requestContext: JSON.stringify(context.value) }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 8707 §2: an absolute URI, without a fragment. */
function isResource(value: string): boolean {
  if (!URL.canParse(value) || value.includes("#")) return false;
  return /^[a-z][a-z0-9+.-]*:/i.test(value);
}

/** RFC 9396 §2: a JSON array of objects, each with a string `type`. */
function isAuthorizationDetails(
  details: { value: unknown } | { malformed: true },
): details is { value: Record<string, unknown>[] } {
  return (
    "value" in details &&
    Array.isArray(details.value) &&
    details.value.every((element) => isObject(element) && typeof element.type === "string")
  );
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
