import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { isProblem } from "./api-client";
import { sessionKeys } from "./console-queries";
import { sessionEnded } from "./session-ended";

/**
 * A 401 anywhere means the session ended. Someone who was signed in keeps the page, with what
 * was typed, and signs in again over it (the server says why it ended); otherwise the sign-in
 * form shows.
 */
function signOutOnUnauthorized(error: Error): void {
  if (!isProblem(error, "not-signed-in")) return;
  if (queryClient.getQueryData(sessionKeys.current())) {
    sessionEnded(error.problem.sessionEnded ?? "gone");
  } else {
    queryClient.setQueryData(sessionKeys.current(), null);
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
