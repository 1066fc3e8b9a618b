import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { approvalListSchema, approvalSchema } from "../../shared/approvals";
import type { ApproveRequest } from "../../shared/approvals";
import { api, readAnswer } from "./api-client";
import { consoleKeys } from "./console-queries";

/** How often a waiting request is asked about: the requester sees a decision within seconds. */
const WAITING_MS = 2_000;
/** The header's count of waiting requests, for supervisors. */
const LIST_MS = 15_000;

export const approvalKeys = {
  all: () => [...consoleKeys.all, "approvals"] as const,
  list: () => [...approvalKeys.all(), "list"] as const,
  one: (id: string) => [...approvalKeys.all(), "one", id] as const,
};

/**
 * One request, polled while it waits (its requester's page shows the decision live), and after
 * an approval until the action's answer is stored: the state turns "approved" before the call
 * to Authlete is made.
 */
export const approvalQuery = (id: string) =>
  queryOptions({
    queryKey: approvalKeys.one(id),
    queryFn: () => readAnswer(api.approvals[":id"].$get({ param: { id } }), approvalSchema),
    refetchInterval: (query) => {
      const data = query.state.data;
      const unsettled =
        data?.state === "pending" || (data?.state === "approved" && data.result === null);
      return unsettled ? WAITING_MS : false;
    },
  });

/** Supervisors: the waiting requests first, then the latest decided. */
export const approvalsQuery = queryOptions({
  queryKey: approvalKeys.list(),
  queryFn: () => readAnswer(api.approvals.$get(), approvalListSchema),
  refetchInterval: LIST_MS,
});

/** Approve, reject or acknowledge: each answers with the request as it is now. */
export function useApprovalDecision(id: string) {
  const queryClient = useQueryClient();
  const settle = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: approvalKeys.all() }),
      queryClient.invalidateQueries({ queryKey: consoleKeys.audit() }),
    ]);
  const param = { id };
  return {
    approve: useMutation({
      mutationFn: (answers: ApproveRequest) =>
        readAnswer(api.approvals[":id"].approve.$post({ param, json: answers }), approvalSchema),
      onSettled: settle,
    }),
    reject: useMutation({
      mutationFn: (reason: string) =>
        readAnswer(api.approvals[":id"].reject.$post({ param, json: { reason } }), approvalSchema),
      onSettled: settle,
    }),
    acknowledge: useMutation({
      mutationFn: () =>
        readAnswer(api.approvals[":id"].acknowledge.$post({ param }), approvalSchema),
      onSettled: settle,
    }),
  };
}
