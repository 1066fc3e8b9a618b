import type { ApprovalAccepted } from "../../shared/approvals";

/**
 * What a form's last send came to, for the result column: the answer with the request it
 * answered, or the problem. `at` is when the page learned it.
 */
export type FormOutcome<Result, Request> =
  | { kind: "done"; result: Result; request: Request; at: Date }
  /** Held for a supervisor's approval (issue 21): nothing was sent yet. */
  | { kind: "approval"; approval: ApprovalAccepted["approval"]; request: Request; at: Date }
  | { kind: "problem"; error: Error; at: Date };

/** A send's answer: the result, or a 202 that holds it for approval. */
export function heldForApproval<Result extends object>(
  answer: Result | ApprovalAccepted,
): answer is ApprovalAccepted {
  return "approval" in answer;
}

/** The words after "its client gets": "403 access_denied". */
export function clientGets(status: number, body: unknown): string {
  const error =
    typeof body === "object" && body !== null && "error" in body && typeof body.error === "string"
      ? body.error
      : undefined;
  return error ? `${status} ${error}` : String(status);
}
