import { useQuery } from "@tanstack/react-query";
import type { AuditEvent } from "../../shared/audit";
import { formatTime } from "../lib/format";
import { TicketStoryLink } from "./ticket-story-link";
import { recentActionsQuery } from "../lib/action-queries";

/** What you failed or ended lately, from the audit trail; each can fill its form again. */
export function RecentActions({ onUseAgain }: { onUseAgain: (event: AuditEvent) => void }) {
  const recent = useQuery(recentActionsQuery);
  const events = recent.data?.events ?? [];
  return (
    <section className="card" aria-labelledby="recent-actions-title">
      <h2 id="recent-actions-title">Your recent actions</h2>
      {events.length === 0 ? (
        <p className="muted">{recent.isPending ? "Loading…" : "Nothing yet."}</p>
      ) : (
        <ul className="job-list">
          {events.map((event) => (
            <li key={event.id} className="recent-action">
              <span>
                {event.kind === "end" ? "End " : "Fail "}
                <span className="mono">{event.reason ?? "(no reason)"}</span> · service{" "}
                <span className="mono">{event.serviceId}</span> · ticket{" "}
                {event.ticketTail && <TicketStoryLink tail={event.ticketTail} />} ·{" "}
                <span className={`outcome outcome-${event.outcome}`}>{event.outcome}</span>
                <span className="muted block">{formatTime(event.at)}</span>
              </span>
              <button
                type="button"
                className="button-secondary"
                onClick={() => onUseAgain(event)}
                aria-label={`Use again: ${event.kind === "end" ? "end" : "fail"} ${event.reason ?? ""} on service ${event.serviceId ?? ""}, ticket …${event.ticketTail ?? ""}`}
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
