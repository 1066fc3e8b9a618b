import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { problemType } from "../../shared/problem";
import { ApiProblem } from "./api-client";

/** A 401 anywhere means the session ended: show the sign-in form (nothing typed is sent). */
function signOutOnUnauthorized(error: Error): void {
  if (error instanceof ApiProblem && error.problem.type === problemType("not-signed-in")) {
    queryClient.setQueryData(["session"], null);
  }
}

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: signOutOnUnauthorized }),
  mutationCache: new MutationCache({ onError: signOutOnUnauthorized }),
  defaultOptions: {
    queries: { retry: 1, refetchOnWindowFocus: false },
    // A fail call is never repeated behind the operator's back.
    mutations: { retry: false },
  },
});
