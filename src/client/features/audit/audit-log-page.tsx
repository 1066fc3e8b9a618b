import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation, useSearch } from "wouter";
import { anyFilterSet } from "../../../shared/audit";
import type { AuditFilters } from "../../../shared/audit";
import { RequestErrorAlert } from "../../components/problem-alert";
import { AuditChips } from "./audit-chips";
import { AuditFiltersForm } from "./audit-filters";
import { filtersFromSearch, searchOf } from "./audit-search";
import { AuditTable } from "./audit-table";
import { AuditStreamStatus } from "./audit-stream-status";
import { sessionQuery } from "../session/queries";
import { auditExportUrl, auditLogQuery } from "./queries";

/** The records, filtered by what the address says (so a view can be shared). */
export function AuditLogPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  // A whole ticket typed in the filter: kept here, never in the address (which holds its tail).
  const [exactTicket, setExactTicket] = useState<string>();
  const filters = filtersFromSearch(search, exactTicket);
  const apply = (next: AuditFilters) => {
    setExactTicket(next.ticket && next.ticket.length > 6 ? next.ticket : undefined);
    navigate(`/audit${searchOf(next)}`);
  };
  const log = useInfiniteQuery(auditLogQuery(filters));
  const isSupervisor = useQuery(sessionQuery).data?.role === "supervisor";
  const events = log.data?.pages.flatMap((page) => page.events) ?? [];

  return (
    <div className="page-stack">
      {/* Remounted when the address changes, so the form shows the filters in force. */}
      <AuditFiltersForm key={search} initial={filters} onApply={apply} />
      {isSupervisor && <AuditStreamStatus />}
      <section className="card" aria-labelledby="audit-records-title">
        <div className="results-header">
          <h2 id="audit-records-title">Records</h2>
          <AuditChips
            filters={filters}
            onRemove={(name) => apply({ ...filters, [name]: undefined })}
          />
          <p role="status" className="muted">
            {log.isPending
              ? "Loading…"
              : `${events.length} record${events.length === 1 ? "" : "s"}${log.hasNextPage ? " shown, more below" : ""}`}
          </p>
          <div className="actions">
            {events.length > 0 ? (
              <>
                <a
                  className="button button-secondary"
                  href={auditExportUrl(filters, "csv")}
                  download
                >
                  Export CSV
                </a>
                <a
                  className="button button-secondary"
                  href={auditExportUrl(filters, "json")}
                  download
                >
                  Export JSON
                </a>
                <span className="muted">
                  {anyFilterSet(filters)
                    ? "A filtered export cannot be verified against the audit chain."
                    : "The full JSON export can be verified with npm run audit:verify."}
                </span>
              </>
            ) : (
              <span className="muted">Nothing to export.</span>
            )}
          </div>
        </div>
        {filters.ticket && (
          <p className="muted">
            The story of ticket …{filters.ticket.slice(-6)}: every record of it, newest first
            {filters.ticket.length <= 6 && " (another ticket may end with the same 6 characters)"}.
          </p>
        )}
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
