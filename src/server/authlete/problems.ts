import * as errors from "@authlete/typescript-sdk/models/errors";
import { UNREADABLE_BODY_HEADER } from "./node-fetch";
import { ProblemError } from "../http/problem";

/** What the console was doing when an SDK call failed, for the operator's message. */
export interface CallContext {
  what: string;
  serviceId: string | undefined;
  baseUrl: string;
  timeoutMs: number;
}

/**
 * Operators read these at 3 a.m.: what to do now first, then what to pass on (the setting may be
 * AUTHLETE_BASE_URL or a service profile's baseUrl in CONSOLE_CONFIG).
 */
const ASK_ADMIN =
  "Try again in a moment; if it persists, ask the console's administrator to check the Authlete address set for this service (AUTHLETE_BASE_URL, or its profile's baseUrl).";

/** Maps every error the SDK raises to the problem an operator should read. */
export function toProblem(error: unknown, context: CallContext): ProblemError | undefined {
  const where = `Authlete at ${context.baseUrl}`;
  // ResponseValidationError extends AuthleteError, so it is checked first; a 2xx that is not
  // Authlete's JSON (a proxy's HTML page, say) reaches us as a plain AuthleteError.
  if (
    error instanceof errors.ResponseValidationError ||
    (error instanceof errors.AuthleteError &&
      (error.statusCode < 300 || error.headers.has(UNREADABLE_BODY_HEADER)))
  ) {
    return new ProblemError({
      kind: "authlete-bad-answer",
      status: 502,
      title: "Authlete's answer could not be understood",
      detail: `${where} answered HTTP ${error.statusCode} with a body that is not the JSON Authlete sends. ${ASK_ADMIN}`,
      upstreamStatus: error.statusCode,
    });
  }
  if (error instanceof errors.AuthleteError) {
    const status = error.statusCode;
    const result =
      error instanceof errors.ResultError
        ? { resultCode: error.resultCode, resultMessage: error.resultMessage }
        : {};
    const retryAfter = Number(error.headers.get("retry-after") ?? Number.NaN);
    return new ProblemError({
      kind: "authlete-refused",
      status: 502,
      ...refusalText(status, context),
      upstreamStatus: status,
      ...result,
      ...(Number.isInteger(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  if (error instanceof errors.RequestTimeoutError) {
    return new ProblemError({
      kind: "authlete-timeout",
      status: 504,
      title: "Authlete did not answer in time",
      detail: `${where} gave no answer within ${context.timeoutMs} ms (AUTHLETE_TIMEOUT_MS) while trying to ${context.what}. The call may or may not have taken effect; trying again is safe, failing a ticket twice does no harm.`,
    });
  }
  if (error instanceof errors.ConnectionError || error instanceof errors.RequestAbortedError) {
    return new ProblemError({
      kind: "authlete-unreachable",
      status: 502,
      title: "Authlete could not be reached",
      detail: `No connection to ${where} while trying to ${context.what}. ${ASK_ADMIN}`,
    });
  }
  // The SDK parses a body by its Content-Type: a body that claims to be JSON and is not (a
  // proxy's error page, a cut answer) surfaces as the parser's SyntaxError, whatever the status.
  if (error instanceof errors.SDKValidationError || error instanceof SyntaxError) {
    return new ProblemError({
      kind: "authlete-bad-answer",
      status: 502,
      title: "Authlete's answer could not be understood",
      detail: `${where} answered with a body that is not the JSON Authlete sends (or not in its shape). ${ASK_ADMIN}`,
    });
  }
  return undefined;
}

function refusalText(status: number, context: CallContext): { title: string; detail: string } {
  switch (status) {
    case 401:
      return {
        title: "Authlete rejected the access token",
        detail:
          "AUTHLETE_ACCESS_TOKEN is missing, wrong, expired or revoked. Create a new token in the Authlete console.",
      };
    case 403:
      return {
        title: context.serviceId
          ? `The access token may not use service ${context.serviceId}`
          : "The access token may not do this",
        detail: context.serviceId
          ? `Authlete refused to ${context.what}: the token does not cover service ${context.serviceId}. Check the service ID, or use an organization token or this service's own token.`
          : `Authlete refused to ${context.what} with this token.`,
      };
    case 400:
      return {
        title: "Authlete rejected the request as malformed",
        detail: `Authlete could not read the request to ${context.what}.`,
      };
    case 429:
      return {
        title: "Authlete is rate-limiting this token",
        detail: `Authlete answered 429 Too Many Requests while trying to ${context.what}. Nothing was done; wait and try again.`,
      };
    default:
      return status >= 500
        ? {
            title: "Authlete failed to process the request",
            detail: `Authlete answered HTTP ${status} while trying to ${context.what}. Try again; if it persists, check Authlete's status page.`,
          }
        : {
            title: `Authlete answered HTTP ${status}`,
            detail: `Unexpected answer while trying to ${context.what}. ${ASK_ADMIN}`,
          };
  }
}
