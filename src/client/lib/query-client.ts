import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { isProblem } from "./api-client";
import { sessionKeys } from "./console-queries";

/** A 401 anywhere means the session ended: show the sign-in form (nothing typed is sent). */
function signOutOnUnauthorized(error: Error): void {
  if (isProblem(error, "not-signed-in")) {
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
