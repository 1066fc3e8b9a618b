import { FIELD } from "../../shared/lab-expectations";
import type { Echo, Expected } from "../../shared/lab-expectations";

/**
 * How the AS answers its client for each of Authlete's actions (authlete-java-jaxrs's request
 * handlers): the client's HTTP status, which the lab observes.
 */
export const AS_STATUS: Record<string, number> = {
  OK: 200,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  INVALID_CLIENT: 401,
  FORBIDDEN: 403,
  INTERNAL_SERVER_ERROR: 500,
};

/** What a push notification told the client (CIBA Core §10.3.1): the error, or the tokens. */
export function observePush(observed: Expected, body: Record<string, unknown>): void {
  if (typeof body.error === "string") {
    observed[FIELD.pushError] = body.error;
    observed[FIELD.pushDescription] = text(body.error_description);
    observed[FIELD.pushUri] = text(body.error_uri);
    return;
  }
  observed[FIELD.pushTokenType] = text(body.token_type);
  observed[FIELD.pushAccessToken] = typeof body.access_token === "string";
  observed[FIELD.pushIdTokenSubject] = subjectOfIdToken(body.id_token);
}

/** The `sub` of an ID token (its signature is not checked: the lab reads what the client got). */
function subjectOfIdToken(token: unknown): string | null {
  if (typeof token !== "string") return null;
  const payload = Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8");
  return text(parsed(payload).sub);
}

/** The description and URI to send, when the run has them. */
export function echoOf(echo: Echo) {
  return {
    ...(echo.errorDescription !== null && { errorDescription: echo.errorDescription }),
    ...(echo.errorUri !== null && { errorUri: echo.errorUri }),
  };
}

/** A JSON object as received ({} when it is not one: the checks then show what is missing). */
export function parsed(content: string | undefined | null): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(content ?? "{}");
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
