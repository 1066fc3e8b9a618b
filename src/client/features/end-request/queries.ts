import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { EndRequest } from "../../../shared/end-request";
import { endOutcomeSchema, notificationDeliverySchema } from "../../../shared/end-outcome";
import { api, readAnswer } from "../../lib/api-client";
import { approvalAcceptedSchema } from "../../../shared/approvals";
import { consoleKeys } from "../../lib/console-queries";

export function useEndRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: EndRequest) =>
      readAnswer(
        api.backchannel.authentication.complete.$post({ json: request }),
        endOutcomeSchema.or(approvalAcceptedSchema),
      ),
    // Every attempt, answered or not, is a new audit record.
    onSettled: () => queryClient.invalidateQueries({ queryKey: consoleKeys.audit() }),
  });
}

/** Deliver again: a held notification, sent once more from the console. */
export function useDeliverAgain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      readAnswer(
        api["client-notifications"][":id"].deliver.$post({ param: { id } }),
        notificationDeliverySchema,
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: consoleKeys.audit() }),
  });
}
