import { queryOptions } from "@tanstack/react-query";
import { consoleConfigSchema, servicesSchema } from "../../shared/console-info";
import { api, readAnswer } from "./api-client";

/**
 * App-wide queries, used by every page. Keys start with "console": everything under it belongs
 * to the signed-in person and is dropped at sign-out. Each feature's keys extend `consoleKeys.all`.
 */
export const consoleKeys = {
  all: ["console"] as const,
  config: () => [...consoleKeys.all, "config"] as const,
  services: () => [...consoleKeys.all, "services"] as const,
  /**
   * The audit trail: every action ends up there. The fail form refreshes it after each fail
   * (features/fail-ticket/queries.ts); the audit log page reads it when shown.
   */
  audit: () => [...consoleKeys.all, "audit"] as const,
};

/** Who is signed in, and how one signs in: outside "console", they outlive a sign-out. */
export const sessionKeys = {
  current: () => ["session"] as const,
  method: () => ["sign-in-method"] as const,
};

export const consoleConfigQuery = queryOptions({
  queryKey: consoleKeys.config(),
  queryFn: () => readAnswer(api.config.$get(), consoleConfigSchema),
  staleTime: Infinity,
});

export const servicesQuery = queryOptions({
  queryKey: consoleKeys.services(),
  queryFn: () => readAnswer(api.services.$get(), servicesSchema),
  staleTime: 5 * 60_000,
});
