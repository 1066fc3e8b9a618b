import { queryOptions, useMutation } from "@tanstack/react-query";
import { auditPageSchema } from "../../shared/audit";
import { testTicketSchema } from "../../shared/test-ticket";
import type { TestTicketRequest } from "../../shared/test-ticket";
import { api, readAnswer } from "./api-client";
import { consoleKeys } from "./console-queries";

/** What both action forms (Fail ticket, End issued request) share: test tickets, recent actions. */
export const actionKeys = {
  /** The signed-in person's latest fail and end attempts (part of the audit trail). */
  recent: () => [...consoleKeys.audit(), "recent"] as const,
};

export function useCreateTestTicket() {
  return useMutation({
    mutationFn: (request: TestTicketRequest) =>
      readAnswer(api["test-tickets"].$post({ json: request }), testTicketSchema),
  });
}

/** The signed-in person's latest fails and ends, for the list beside either form. */
export const recentActionsQuery = queryOptions({
  queryKey: actionKeys.recent(),
  queryFn: () => readAnswer(api.audit.recent.$get(), auditPageSchema),
});
