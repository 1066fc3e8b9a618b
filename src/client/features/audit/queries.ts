import { infiniteQueryOptions, queryOptions, useMutation } from "@tanstack/react-query";
import { auditPageSchema, previousFailsSchema } from "../../../shared/audit";
import type { AuditFilters } from "../../../shared/audit";
import { api, readAnswer } from "../../lib/api-client";

export const AUDIT_QUERY_KEY = ["console", "audit"] as const;
const AUDIT_PAGE_SIZE = 50;

/** Only the filters that are set, as query parameters. */
function filterParams(filters: AuditFilters): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The audit trail, newest first, a page at a time. */
export function auditLogQuery(filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: [...AUDIT_QUERY_KEY, "log", filters],
    queryFn: ({ pageParam }) =>
      readAnswer(
        api.audit.$get({
          query: {
            ...filterParams(filters),
            limit: String(AUDIT_PAGE_SIZE),
            ...(pageParam ? { cursor: pageParam } : {}),
          },
        }),
        auditPageSchema,
      ),
    initialPageParam: "",
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** The signed-in person's latest fail attempts, for the list beside the form. */
export const recentActionsQuery = queryOptions({
  queryKey: [...AUDIT_QUERY_KEY, "recent"],
  queryFn: () => readAnswer(api.audit.recent.$get(), auditPageSchema),
});

/** A download of everything the filters select (the browser sends the session cookie). */
export function auditExportUrl(filters: AuditFilters, format: "csv" | "json"): string {
  return `/api/audit/export?${new URLSearchParams({ format, ...filterParams(filters) })}`;
}

/** Has this console already failed the ticket? Asked before failing it. */
export function usePreviousFails() {
  return useMutation({
    mutationFn: (request: { serviceId: string; ticket: string }) =>
      readAnswer(api.audit["previous-fails"].$post({ json: request }), previousFailsSchema),
  });
}
