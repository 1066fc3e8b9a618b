import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { sessionSchema, signInMethodSchema } from "../../../shared/session";
import type { SessionInfo, SignInRequest } from "../../../shared/session";
import { ApiProblem, api, readAnswer } from "../../lib/api-client";
import { consoleKeys, sessionKeys } from "../../lib/console-queries";

/** Who is signed in; null when nobody is (the page then shows the sign-in form). */
export const sessionQuery = queryOptions({
  queryKey: sessionKeys.current(),
  queryFn: async (): Promise<SessionInfo | null> => {
    try {
      return await readAnswer(api.session.$get(), sessionSchema);
    } catch (error) {
      if (error instanceof ApiProblem && error.problem.status === 401) return null;
      throw error;
    }
  },
  staleTime: Infinity,
});

/** Access code or the organisation's OpenID Provider: fixed for the console's lifetime. */
export const signInMethodQuery = queryOptions({
  queryKey: sessionKeys.method(),
  queryFn: () => readAnswer(api.session.method.$get(), signInMethodSchema),
  staleTime: Infinity,
});

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SignInRequest) =>
      readAnswer(api.session.$post({ json: request }), sessionSchema),
    onSuccess: (session) => queryClient.setQueryData(sessionKeys.current(), session),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.session.$delete(),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: consoleKeys.all });
      queryClient.setQueryData(sessionKeys.current(), null);
    },
  });
}
