import type { ProblemInit } from "./problem";
import type { ResolvedService } from "./service-directory";

/**
 * A production service's second question, asked by the page's dialog and checked here so that
 * no client can skip it: the operator typed back what is about to be failed (a ticket's last 6
 * characters, or a bulk job's count) and said why. Undefined when nothing is missing.
 */
export function missingProductionConfirmation(
  service: ResolvedService,
  serviceId: string,
  given: { confirmation?: string | undefined; justification?: string | undefined },
  expected: { value: string; what: string },
): ProblemInit | undefined {
  if (service.environment !== "production") return undefined;
  const errors = [];
  if (given.confirmation !== expected.value) {
    errors.push({ path: "confirmation", message: `Type ${expected.what} to confirm.` });
  }
  if (!given.justification) {
    errors.push({ path: "justification", message: "Say why: production fails need a reason." });
  }
  if (errors.length === 0) return undefined;
  return {
    kind: "confirmation-required",
    status: 400,
    title: `${service.name ?? serviceId} is a production service: confirm first`,
    detail: `Type ${expected.what} and a justification; nothing was sent to Authlete.`,
    errors,
  };
}
