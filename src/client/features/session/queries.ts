import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { sessionSchema, signInMethodSchema } from "../../../shared/session";
import type { SessionInfo, SignInRequest } from "../../../shared/session";
import { ApiProblem, api, readAnswer } from "../../lib/api-client";

export const SESSION_QUERY_KEY = ["session"] as const;

/** Who is signed in; null when nobody is (the page then shows the sign-in form). */
export const sessionQuery = queryOptions({
  queryKey: SESSION_QUERY_KEY,
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
  queryKey: ["sign-in-method"],
  queryFn: () => readAnswer(api.session.method.$get(), signInMethodSchema),
  staleTime: Infinity,
});

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SignInRequest) =>
      readAnswer(api.session.$post({ json: request }), sessionSchema),
    onSuccess: (session) => queryClient.setQueryData(SESSION_QUERY_KEY, session),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.session.$delete(),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["console"] });
      queryClient.setQueryData(SESSION_QUERY_KEY, null);
    },
  });
}
