import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { sessionSchema, signInMethodSchema } from "../../../shared/session";
import type { SessionInfo, SignInRequest } from "../../../shared/session";
import { ApiProblem, api, isProblem, readAnswer } from "../../lib/api-client";
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

/**
 * The BFF checks one sign-in per account at a time and asks a second one, sent meanwhile (two
 * tabs, a double press), to come back in a second; a wait that short is the page's to take, not
 * the person's. A lockout's wait (minutes) is shown instead.
 */
const BRIEF_WAIT_SECONDS = 2;
const SIGN_IN_RETRIES = 3;
const briefWait = (error: unknown): number | null =>
  isProblem(error, "rate-limited") &&
  error.problem.retryAfterSeconds !== undefined &&
  error.problem.retryAfterSeconds <= BRIEF_WAIT_SECONDS
    ? error.problem.retryAfterSeconds
    : null;

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SignInRequest) =>
      readAnswer(api.session.$post({ json: request }), sessionSchema),
    retry: (failures, error) => failures < SIGN_IN_RETRIES && briefWait(error) !== null,
    retryDelay: (_, error) => (briefWait(error) ?? 0) * 1000,
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
