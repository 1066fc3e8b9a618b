import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { bulkBudgetSchema, bulkItemsPageSchema, bulkJobSchema } from "../../../shared/bulk-job";
import type { BulkItemState, BulkJob, BulkJobRequest } from "../../../shared/bulk-job";
import { api, readAnswer } from "../../lib/api-client";
import { heldForApproval } from "../../lib/form-outcome";
import { approvalAcceptedSchema } from "../../../shared/approvals";
import { consoleKeys } from "../../lib/console-queries";

export const bulkKeys = {
  all: () => [...consoleKeys.all, "bulk-jobs"] as const,
  list: () => [...bulkKeys.all(), "list"] as const,
  budget: () => [...bulkKeys.all(), "budget"] as const,
  job: (id: string) => [...bulkKeys.all(), id] as const,
  items: (id: string) => [...bulkKeys.job(id), "items"] as const,
  /** With the job's status: when it ends, the page is read once more, with the final states. */
  itemsPage: (
    id: string,
    state: BulkItemState | undefined,
    page: number,
    jobStatus: BulkJob["status"],
  ) => [...bulkKeys.items(id), state ?? "all", page, jobStatus] as const,
};
/** How often a running job is asked for its progress. */
const LIVE_MS = 1000;
const live = (job: BulkJob | undefined) => (job?.status === "running" ? LIVE_MS : false);

export const bulkJobsQuery = queryOptions({
  queryKey: bulkKeys.list(),
  queryFn: () => readAnswer(api["bulk-jobs"].$get(), bulkJobSchema.array()),
});

export function bulkJobQuery(id: string) {
  return queryOptions({
    queryKey: bulkKeys.job(id),
    queryFn: () => readAnswer(api["bulk-jobs"][":id"].$get({ param: { id } }), bulkJobSchema),
    refetchInterval: (query) => live(query.state.data),
  });
}

/** What the signed-in person may still start: read again after each job starts. */
export const bulkBudgetQuery = queryOptions({
  queryKey: bulkKeys.budget(),
  queryFn: () => readAnswer(api["bulk-jobs"].budget.$get(), bulkBudgetSchema),
});

export const ITEMS_PER_PAGE = 100;

export function bulkItemsQuery(
  id: string,
  state: BulkItemState | undefined,
  page: number,
  jobStatus: BulkJob["status"],
) {
  return queryOptions({
    queryKey: bulkKeys.itemsPage(id, state, page, jobStatus),
    queryFn: () =>
      readAnswer(
        api["bulk-jobs"][":id"].items.$get({
          param: { id },
          query: {
            ...(state ? { state } : {}),
            offset: String(page * ITEMS_PER_PAGE),
            limit: String(ITEMS_PER_PAGE),
          },
        }),
        bulkItemsPageSchema,
      ),
    refetchInterval: jobStatus === "running" ? LIVE_MS : false,
    placeholderData: (previous) => previous,
  });
}

export function useStartBulkJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: BulkJobRequest) =>
      readAnswer(
        api["bulk-jobs"].$post({ json: request }),
        bulkJobSchema.or(approvalAcceptedSchema),
      ),
    onSuccess: async (job) => {
      if (!heldForApproval(job)) queryClient.setQueryData(bulkJobQuery(job.id).queryKey, job);
      await queryClient.invalidateQueries({ queryKey: bulkKeys.budget() });
    },
    // A refusal may be the budget: show what is left now.
    onError: () => queryClient.invalidateQueries({ queryKey: bulkKeys.budget() }),
  });
}

export type JobControl = "pause" | "resume" | "cancel" | "retry-failed";

export function useJobControl(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (verb: JobControl) =>
      readAnswer(api["bulk-jobs"][":id"][verb].$post({ param: { id } }), bulkJobSchema),
    onSuccess: async (job) => {
      queryClient.setQueryData(bulkJobQuery(id).queryKey, job);
      await queryClient.invalidateQueries({ queryKey: bulkKeys.items(id) });
      await queryClient.invalidateQueries({ queryKey: bulkKeys.budget() });
    },
  });
}

export function bulkExportUrl(id: string, format: "csv" | "json"): string {
  return `/api/bulk-jobs/${encodeURIComponent(id)}/export?format=${format}`;
}
