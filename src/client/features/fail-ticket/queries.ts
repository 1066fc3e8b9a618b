import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { auditPageSchema } from "../../../shared/audit";
import type { FailRequest } from "../../../shared/fail-request";
import { failResultSchema } from "../../../shared/fail-result";
import { testTicketSchema } from "../../../shared/test-ticket";
import type { TestTicketRequest } from "../../../shared/test-ticket";
import { api, readAnswer } from "../../lib/api-client";
import { consoleKeys } from "../../lib/console-queries";

export const failTicketKeys = {
  /** The signed-in person's latest fail attempts (part of the audit trail). */
  recent: () => [...consoleKeys.audit(), "recent"] as const,
};

export function useFailTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: FailRequest) =>
      readAnswer(api.backchannel.authentication.fail.$post({ json: request }), failResultSchema),
    // Every attempt, answered or not, is a new audit record.
    onSettled: () => queryClient.invalidateQueries({ queryKey: consoleKeys.audit() }),
  });
}

export function useCreateTestTicket() {
  return useMutation({
    mutationFn: (request: TestTicketRequest) =>
      readAnswer(api["test-tickets"].$post({ json: request }), testTicketSchema),
  });
}

/** The signed-in person's latest fail attempts, for the list beside the form. */
export const recentFailsQuery = queryOptions({
  queryKey: failTicketKeys.recent(),
  queryFn: () => readAnswer(api.audit.recent.$get(), auditPageSchema),
});
