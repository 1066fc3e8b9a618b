import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { PROBLEM_CONTENT_TYPE, problemType } from "../../shared/problem";
import type { Problem, ProblemKind } from "../../shared/problem";
import { StorageUnavailable } from "../db/storage-error";

export type ProblemInit = Omit<Problem, "type" | "requestId"> & { kind: ProblemKind };

/** Thrown anywhere in a request; app.onError turns it into application/problem+json. */
export class ProblemError extends Error {
  constructor(readonly init: ProblemInit) {
    super(init.title);
    this.name = "ProblemError";
  }
}

/** The database that holds the records cannot be written: nothing may be done. */
const STORAGE_UNAVAILABLE: ProblemInit = {
  kind: "audit-unavailable",
  status: 503,
  title: "The audit trail cannot be written",
  detail:
    "Nothing was done: every action must be recorded first. The cause is in the console's log.",
};

/** The problem an error stands for, if it stands for one: the one place storage errors become 503. */
export function problemOf(error: unknown): ProblemInit | undefined {
  if (error instanceof ProblemError) return error.init;
  if (error instanceof StorageUnavailable) return STORAGE_UNAVAILABLE;
  return undefined;
}

export function problemResponse(c: Context, init: ProblemInit): Response {
  const { kind, ...fields } = init;
  // Asked to wait (by Authlete, or by one of the console's own limits): say so the HTTP way too.
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
