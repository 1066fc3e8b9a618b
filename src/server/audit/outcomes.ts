import type { AuditCompletion } from "./audit-trail";
import { ProblemError } from "../problem";
import type { ProblemKind } from "../../shared/problem";

const TRANSPORT_PROBLEMS: ProblemKind[] = [
  "authlete-unreachable",
  "authlete-timeout",
  "authlete-bad-answer",
];

/**
 * Authlete answered HTTP 200: its result code's category says whether it did the job
 * (third digit from the right: 0 success, 1–3 an error; see authlete-facts §3).
 */
export function answeredOutcome(resultCode: string | undefined): "succeeded" | "refused" {
  const category = resultCode?.match(/^A\d{3}(\d)\d{2}$/)?.[1];
  return category === undefined || category === "0" ? "succeeded" : "refused";
}

/** How a call that threw is recorded. */
export function failedCompletion(error: unknown, durationMs: number): AuditCompletion {
  if (!(error instanceof ProblemError)) {
    return { outcome: "console-error", durationMs, detail: "unexpected error (see the log)" };
  }
  const { kind, title, upstreamStatus, resultCode } = error.init;
  return {
    outcome: TRANSPORT_PROBLEMS.includes(kind) ? "transport-error" : "refused",
    upstreamStatus,
    resultCode,
    durationMs,
    detail: title,
  };
}
