import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { AuditFilters } from "../../../shared/audit";
import { RequestErrorAlert } from "../../components/problem-alert";
import { AuditFiltersForm } from "./audit-filters";
import { AuditTable } from "./audit-table";
import { auditExportUrl, auditLogQuery } from "./queries";

export function AuditLogPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const log = useInfiniteQuery(auditLogQuery(filters));
  const events = log.data?.pages.flatMap((page) => page.events) ?? [];

  return (
    <div className="page-stack">
      <AuditFiltersForm onApply={setFilters} />
      <section className="card" aria-labelledby="audit-records-title">
        <div className="results-header">
          <h2 id="audit-records-title">Records</h2>
          <p role="status" className="muted">
            {log.isPending
              ? "Loading…"
              : `${events.length} record${events.length === 1 ? "" : "s"}${log.hasNextPage ? " shown, more below" : ""}`}
          </p>
          <div className="actions">
            <a className="button button-secondary" href={auditExportUrl(filters, "csv")} download>
              Export CSV
            </a>
            <a className="button button-secondary" href={auditExportUrl(filters, "json")} download>
              Export JSON
            </a>
          </div>
        </div>
        <RequestErrorAlert error={log.error} title="The audit log could not be read" />
        {events.length > 0 ? (
          <AuditTable events={events} />
        ) : (
          !log.isPending && <p className="placeholder">No records match these filters.</p>
        )}
        {log.hasNextPage && (
          <button
            type="button"
            className="button-secondary"
            onClick={() => void log.fetchNextPage()}
            disabled={log.isFetchingNextPage}
            aria-busy={log.isFetchingNextPage}
          >
            {log.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        )}
      </section>
    </div>
  );
}
