import type { Context } from "hono";
import { PROBLEM_CONTENT_TYPE } from "../shared/problem";
import type { Problem } from "../shared/problem";

/** Problem types are URNs: stable identifiers that need no web page (RFC 9457 §3.1.1). */
export type ProblemKind =
  | "validation-failed"
  | "authlete-refused"
  | "authlete-unreachable"
  | "authlete-timeout"
  | "authlete-bad-answer"
  | "test-tickets-unavailable"
  | "test-client-refused"
  | "not-found"
  | "cross-site-request"
  | "sign-in-failed"
  | "not-signed-in"
  | "body-too-large"
  | "internal-error";

export type ProblemInit = Omit<Problem, "type" | "requestId"> & { kind: ProblemKind };

/** Thrown anywhere in a request; app.onError turns it into application/problem+json. */
export class ProblemError extends Error {
  constructor(readonly init: ProblemInit) {
    super(init.title);
    this.name = "ProblemError";
  }
}

export function problemResponse(c: Context, init: ProblemInit): Response {
  const { kind, ...fields } = init;
  const body: Problem = {
    type: `urn:ciba-fail-console:problem:${kind}`,
    ...fields,
    requestId: c.get("requestId"),
  };
  return c.body(JSON.stringify(body), init.status as 400, {
    "Content-Type": PROBLEM_CONTENT_TYPE,
  });
}
