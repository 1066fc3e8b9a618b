import { useQuery } from "@tanstack/react-query";
import type { AuditEvent } from "../../../shared/audit";
import { formatTime } from "../../lib/format";
import { recentFailsQuery } from "./queries";

/** What you failed lately, from the audit trail; each can fill the form again. */
export function RecentActions({ onUseAgain }: { onUseAgain: (event: AuditEvent) => void }) {
  const recent = useQuery(recentFailsQuery);
  const events = recent.data?.events ?? [];
  return (
    <section className="card" aria-labelledby="recent-actions-title">
      <h2 id="recent-actions-title">Your recent fails</h2>
      {events.length === 0 ? (
        <p className="muted">{recent.isPending ? "Loading…" : "Nothing yet."}</p>
      ) : (
        <ul className="job-list">
          {events.map((event) => (
            <li key={event.id} className="recent-action">
              <span>
                <span className="mono">{event.reason ?? "(no reason)"}</span> · service{" "}
                <span className="mono">{event.serviceId}</span> · ticket{" "}
                <span className="mono">…{event.ticketTail}</span> ·{" "}
                <span className={`outcome outcome-${event.outcome}`}>{event.outcome}</span>
                <span className="muted block">{formatTime(event.at)}</span>
              </span>
              <button
                type="button"
                className="button-secondary"
                onClick={() => onUseAgain(event)}
                aria-label={`Use again: ${event.reason ?? ""} on service ${event.serviceId ?? ""}, ticket …${event.ticketTail ?? ""}`}
              >
                Use again
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
