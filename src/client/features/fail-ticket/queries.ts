import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FailRequest } from "../../../shared/fail-request";
import { failResultSchema } from "../../../shared/fail-result";
import { approvalAcceptedSchema } from "../../../shared/approvals";
import { api, readAnswer } from "../../lib/api-client";
import { consoleKeys } from "../../lib/console-queries";

export function useFailTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: FailRequest) =>
      readAnswer(
        api.backchannel.authentication.fail.$post({ json: request }),
        failResultSchema.or(approvalAcceptedSchema),
      ),
    // Every attempt, answered or not, is a new audit record.
    onSettled: () => queryClient.invalidateQueries({ queryKey: consoleKeys.audit() }),
  });
}
