import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { PROBLEM_CONTENT_TYPE, problemType } from "../../shared/problem";
import type { Problem, ProblemKind } from "../../shared/problem";

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
  // Authlete asked to wait: say so the HTTP way too.
  if (init.retryAfterSeconds !== undefined) c.header("Retry-After", String(init.retryAfterSeconds));
  const body: Problem = {
    type: problemType(kind),
    ...fields,
    requestId: (c as Context<AppEnv>).var.requestId,
  };
  return c.body(JSON.stringify(body), init.status as ContentfulStatusCode, {
    "Content-Type": PROBLEM_CONTENT_TYPE,
  });
}
