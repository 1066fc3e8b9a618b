import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { consoleConfigSchema, servicesSchema } from "../../../shared/console-info";
import type { FailRequest } from "../../../shared/fail-request";
import { failResultSchema } from "../../../shared/fail-result";
import { testTicketSchema } from "../../../shared/test-ticket";
import type { TestTicketRequest } from "../../../shared/test-ticket";
import { api, readAnswer } from "../../lib/api-client";
import { AUDIT_QUERY_KEY } from "../audit/queries";

export const consoleConfigQuery = queryOptions({
  queryKey: ["console", "config"],
  queryFn: () => readAnswer(api.config.$get(), consoleConfigSchema),
  staleTime: Infinity,
});

export const servicesQuery = queryOptions({
  queryKey: ["console", "services"],
  queryFn: () => readAnswer(api.services.$get(), servicesSchema),
  staleTime: 5 * 60_000,
});

export function useFailTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: FailRequest) =>
      readAnswer(api.backchannel.authentication.fail.$post({ json: request }), failResultSchema),
    // Every attempt, answered or not, is a new audit record.
    onSettled: () => queryClient.invalidateQueries({ queryKey: AUDIT_QUERY_KEY }),
  });
}

export function useCreateTestTicket() {
  return useMutation({
    mutationFn: (request: TestTicketRequest) =>
      readAnswer(api["test-tickets"].$post({ json: request }), testTicketSchema),
  });
}
