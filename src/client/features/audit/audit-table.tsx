import type { AuditEvent } from "../../../shared/audit";
import { AuthleteAnswerCell, DataTable } from "../../components/data-table";
import { Link } from "wouter";
import { TicketStoryLink } from "../../components/ticket-story-link";
import { formatTime } from "../../lib/format";

/** One row per record, newest first. Secrets are not in the records to begin with. */
export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <DataTable
      caption="Audit records, newest first"
      columns={[
        "Time",
        "Operator",
        "Action",
        "Service",
        "Ticket",
        "Reason or result",
        "Outcome",
        "Authlete",
        "Justification",
        "Details",
      ]}
    >
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
            {event.nameVerified === false && (
              <span className="block name-unverified">name not verified</span>
            )}
            {/* Four-eyes (issue 21): the action names who asked and who approved. */}
            {event.approvedBy && <span className="block">approved by {event.approvedBy}</span>}
          </td>
          <td className="nowrap">{event.kind}</td>
          <td className="mono">{event.serviceId}</td>
          <td className="mono nowrap">
            {event.ticketTail && (
              <TicketStoryLink tail={event.ticketTail} hash={event.ticketHash} />
            )}
          </td>
          <td className="mono">{event.reason}</td>
          <td>
            <span className={`outcome outcome-${event.outcome}`}>{event.outcome}</span>
          </td>
          <AuthleteAnswerCell {...event} />
          <td>{event.justification}</td>
          <td className="details">
            {event.jobId && (
              <Link className="block" href={`/bulk/${event.jobId}`}>
                bulk job
              </Link>
            )}
            {event.detail && <span className="block">{event.detail}</span>}
            <details className="row-more">
              <summary>More</summary>
              {event.deliveryMode && (
                <span className="block">mode: {event.deliveryMode.toLowerCase()}</span>
              )}
              {event.authReqIdTail && (
                <span className="block mono" title={`SHA-256 ${event.authReqIdHash ?? ""}`}>
                  auth_req_id …{event.authReqIdTail}
                </span>
              )}
              {event.notification && (
                <span className="block">notification: {event.notification}</span>
              )}
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
              {event.callerRequestId && (
                <span className="block muted mono">caller&apos;s id {event.callerRequestId}</span>
              )}
              {event.clientAddress && (
                <span className="block muted mono">from {event.clientAddress}</span>
              )}
            </details>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
