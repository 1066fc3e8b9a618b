import type { AuditCompletion } from "./audit-input";
import { problemOf } from "../http/problem";
import type { ProblemKind } from "../../shared/problem";

/** The call may not have reached Authlete, or its answer did not come back whole. */
const TRANSPORT_PROBLEMS: ProblemKind[] = [
  "authlete-unreachable",
  "authlete-timeout",
  "authlete-bad-answer",
];

/**
 * Worth sending again: the call may not have arrived (transport), or Authlete had a passing
 * trouble (5xx, 429). A fail call is idempotent, so a repeat does no harm. Other refusals would
 * only repeat.
 */
export function isRetryable(error: unknown): boolean {
  const problem = problemOf(error);
  if (!problem) return false;
  const status = problem.upstreamStatus;
  return (
    TRANSPORT_PROBLEMS.includes(problem.kind) ||
    (status !== undefined && (status >= 500 || status === 429))
  );
}

/**
 * Authlete answered HTTP 200: its result code's category says whether it did the job (the third
 * digit from the right: 0 success, 1–3 an error; Authlete's "Result codes" documentation, as
 * the simulator's result-codes.ts lists them).
 */
export function answeredOutcome(resultCode: string | undefined): "succeeded" | "refused" {
  const category = resultCode?.match(/^A\d{3}(\d)\d{2}$/)?.[1];
  return category === undefined || category === "0" ? "succeeded" : "refused";
}

/**
 * A call stopped before anything was sent (a bulk ticket whose job was handed to another
 * console, or cancelled, between its record and its first try): recorded as not attempted.
 */
export class NotSent extends Error {
  constructor(readonly why: string) {
    super(`not sent: ${why}`);
    this.name = "NotSent";
  }
}

/** How a call that threw is recorded. */
export function failedCompletion(error: unknown, durationMs: number): AuditCompletion {
  if (error instanceof NotSent)
    return { outcome: "not-attempted", durationMs: 0, detail: error.why };
  const problem = problemOf(error);
  if (!problem) {
    return { outcome: "console-error", durationMs, detail: "unexpected error (see the log)" };
  }
  const { kind, title, upstreamStatus, resultCode } = problem;
  return {
    outcome: TRANSPORT_PROBLEMS.includes(kind) ? "transport-error" : "refused",
    upstreamStatus,
    resultCode,
    durationMs,
    detail: title,
  };
}
