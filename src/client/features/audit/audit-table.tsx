import type { AuditEvent } from "../../../shared/audit";
import { formatTime } from "../../lib/format";

/** One row per record, newest first. Secrets are not in the records to begin with. */
export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">Audit records, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Operator</th>
            <th scope="col">Action</th>
            <th scope="col">Service</th>
            <th scope="col">Ticket</th>
            <th scope="col">Reason</th>
            <th scope="col">Outcome</th>
            <th scope="col">Authlete</th>
            <th scope="col">Justification</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>
                <time dateTime={event.at}>{formatTime(event.at)}</time>
              </td>
              <td>
                {event.operator}
                {event.email && event.email !== event.operator && (
                  <span className="muted block">{event.email}</span>
                )}
                {event.role && <span className="muted block">{event.role}</span>}
              </td>
              <td className="nowrap">{event.kind}</td>
              <td className="mono">{event.serviceId}</td>
              <td className="mono nowrap">
                {event.ticketTail && (
                  <span title={`SHA-256 ${event.ticketHash ?? ""}`}>…{event.ticketTail}</span>
                )}
              </td>
              <td className="mono">{event.reason}</td>
              <td>
                <span className={`outcome outcome-${event.outcome}`}>{event.outcome}</span>
              </td>
              <td className="mono">
                {[event.resultCode, event.action, event.upstreamStatus]
                  .filter((part) => part !== null)
                  .join(" · ")}
              </td>
              <td>{event.justification}</td>
              <td className="details">
                {event.detail && <span className="block">{event.detail}</span>}
                {event.errorDescription && (
                  <span className="block">description: {event.errorDescription}</span>
                )}
                {event.errorUri && <span className="block">URI: {event.errorUri}</span>}
                {event.durationMs !== null && (
                  <span className="block muted">{event.durationMs} ms</span>
                )}
                {event.requestId && (
                  <span className="block muted mono">request {event.requestId}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
