import { queryOptions, useMutation } from "@tanstack/react-query";
import { consoleConfigSchema, servicesSchema } from "../../../shared/console-info";
import type { FailRequest } from "../../../shared/fail-request";
import { failResultSchema } from "../../../shared/fail-result";
import { testTicketSchema } from "../../../shared/test-ticket";
import type { TestTicketRequest } from "../../../shared/test-ticket";
import { api, readAnswer } from "../../lib/api-client";

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
  return useMutation({
    mutationFn: (request: FailRequest) =>
      readAnswer(api.backchannel.authentication.fail.$post({ json: request }), failResultSchema),
  });
}

export function useCreateTestTicket() {
  return useMutation({
    mutationFn: (request: TestTicketRequest) =>
      readAnswer(api["test-tickets"].$post({ json: request }), testTicketSchema),
  });
}
