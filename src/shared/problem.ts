import { z } from "zod";
import { askFirstFieldsSchema } from "./ask-first";

/**
 * Every non-2xx answer of the BFF: RFC 9457 problem details, plus the fields an operator needs
 * to understand an Authlete refusal.
 */
export const problemSchema = askFirstFieldsSchema.extend({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  requestId: z.string().optional(),
  /** One entry per invalid field, with its path in the request body. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** The HTTP status Authlete answered with, when it answered. */
  upstreamStatus: z.number().int().optional(),
  resultCode: z.string().optional(),
  resultMessage: z.string().optional(),
  /** Authlete's Retry-After (seconds), when it asked to wait. */
  retryAfterSeconds: z.number().int().optional(),
  /** A 401: why the session ended (idle, absolute, account-changed, gone). */
  sessionEnded: z.enum(["idle", "absolute", "account-changed", "gone"]).optional(),
});

export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Problem types are URNs: stable identifiers that need no web page (RFC 9457 §3.1.1). */
export type ProblemKind =
  | "validation-failed"
  /** The request is valid but the thing is not in a state that allows it (409). */
  | "conflict"
  | "authlete-refused"
  | "authlete-unreachable"
  | "authlete-timeout"
  | "authlete-bad-answer"
  | "test-tickets-unavailable"
  | "test-client-refused"
  | "not-found"
  | "cross-site-request"
  /** PUBLIC_URL is set and the request names another host (421). */
  | "misdirected-request"
  | "sign-in-failed"
  | "not-signed-in"
  | "body-too-large"
  | "forbidden"
  | "unknown-service"
  | "confirmation-required"
  /** This console already acted on the ticket: send again with `again: true` (409). */
  | "already-acted"
  | "rate-limited"
  /** A person's bulk budget (tickets per hour, unfinished jobs) does not allow this job (429). */
  | "budget-exceeded"
  /** A client sent its body too slowly (408). */
  | "request-timeout"
  | "audit-unavailable"
  | "oidc-unavailable"
  | "internal-error"
  // Made by the page itself when the BFF cannot be reached or answers nonsense.
  | "console-unreachable"
  | "unexpected-answer";

export function problemType(kind: ProblemKind): string {
  return `urn:ciba-fail-console:problem:${kind}`;
}
