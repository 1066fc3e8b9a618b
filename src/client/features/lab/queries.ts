import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { labBudgetSchema, labRunListSchema, labRunSchema } from "../../../shared/lab";
import type { LabRun, LabRunRequest } from "../../../shared/lab";
import { api, readAnswer } from "../../lib/api-client";
import { consoleKeys } from "../../lib/console-queries";

export const labKeys = {
  all: () => [...consoleKeys.all, "lab"] as const,
  budget: () => [...labKeys.all(), "budget"] as const,
  runs: (serviceId: string) => [...labKeys.all(), "runs", serviceId] as const,
  run: (id: string) => [...labKeys.all(), "run", id] as const,
};

/** How often a running run is asked for its cells. */
const LIVE_MS = 500;

export function labRunQuery(id: string) {
  return queryOptions({
    queryKey: labKeys.run(id),
    queryFn: () => readAnswer(api.lab.runs[":id"].$get({ param: { id } }), labRunSchema),
    refetchInterval: (query) => (query.state.data?.state === "running" ? LIVE_MS : false),
  });
}

/** The runs kept for a service, newest first; read again when a run ends. */
export function labRunsQuery(serviceId: string) {
  return queryOptions({
    queryKey: labKeys.runs(serviceId),
    queryFn: () => readAnswer(api.lab.runs.$get({ query: { serviceId } }), labRunListSchema),
    enabled: serviceId !== "",
  });
}

/** How many runs the signed-in person has left this hour. */
export const labBudgetQuery = queryOptions({
  queryKey: labKeys.budget(),
  queryFn: () => readAnswer(api.lab.budget.$get(), labBudgetSchema),
});

export function useStartLabRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: LabRunRequest) =>
      readAnswer(api.lab.runs.$post({ json: request }), labRunSchema),
    onSuccess: async (run: LabRun) => {
      queryClient.setQueryData(labRunQuery(run.id).queryKey, run);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: labKeys.budget() }),
        queryClient.invalidateQueries({ queryKey: labKeys.runs(run.serviceId) }),
      ]);
    },
    // A refusal may be the budget: show what is left now (the last report stays).
    onError: () => queryClient.invalidateQueries({ queryKey: labKeys.budget() }),
  });
}
