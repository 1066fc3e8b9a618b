import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { auditPageSchema } from "../../../shared/audit";
import type { AuditFilters } from "../../../shared/audit";
import { auditSinksSchema } from "../../../shared/audit-sinks";
import { api, readAnswer } from "../../lib/api-client";
import { consoleKeys } from "../../lib/console-queries";

export const auditKeys = {
  all: consoleKeys.audit,
  log: (filters: AuditFilters) => [...consoleKeys.audit(), "log", filters] as const,
  sinks: () => [...consoleKeys.audit(), "sinks"] as const,
};
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
    queryKey: auditKeys.log(filters),
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

/** A download of everything the filters select (the browser sends the session cookie). */
export function auditExportUrl(filters: AuditFilters, format: "csv" | "json"): string {
  return `/api/audit/export?${new URLSearchParams({ format, ...filterParams(filters) })}`;
}

/** The audit stream's sinks (supervisors): refreshed while the page is open. */
export const auditSinksQuery = queryOptions({
  queryKey: auditKeys.sinks(),
  queryFn: () => readAnswer(api.audit.sinks.$get(), auditSinksSchema),
  refetchInterval: 10_000,
});
