import type { Insertable } from "kysely";
import type { AuditEvent } from "../../shared/audit";
import type { AuditEventsTable } from "../db/schema";
import { fingerprintOf } from "../db/ticket-fingerprint";
import type { AuditInput } from "./audit-input";

/** Audit records ↔ rows of audit_events: the column of each field, in one place. */

export type Column = Exclude<keyof AuditEventsTable, "id">;

// Column ↔ field names, in one place.
export const COLUMNS = {
  at: "at",
  kind: "kind",
  outcome: "outcome",
  operator: "operator",
  email: "email",
  role: "role",
  serviceId: "service_id",
  target: "target",
  ticketHash: "ticket_hash",
  ticketTail: "ticket_tail",
  reason: "reason",
  errorDescription: "error_description",
  errorUri: "error_uri",
  justification: "justification",
  resultCode: "result_code",
  action: "action",
  upstreamStatus: "upstream_status",
  durationMs: "duration_ms",
  requestId: "request_id",
  detail: "detail",
  jobId: "job_id",
  clientAddress: "client_address",
  nameVerified: "name_verified",
  callerRequestId: "caller_request_id",
} as const satisfies Record<Exclude<keyof AuditEvent, "id">, Column>;

export const SELECTION = [
  "id",
  ...Object.entries(COLUMNS).map(([field, column]) => `${column} as ${field}` as const),
] as unknown as readonly ["id"];

/** A row as the API shows it: name_verified is stored as 0/1 (both databases have integers). */
export function toEvent(row: unknown): AuditEvent {
  const event = row as AuditEvent & { nameVerified: unknown };
  const verified = event.nameVerified;
  return {
    ...event,
    nameVerified: verified === null || verified === undefined ? null : Boolean(verified),
  };
}

/** A record as a row: the ticket becomes its hash and tail, booleans 0/1, "" null. */
export function toRow(input: AuditInput, at: Date): Insertable<AuditEventsTable> {
  const ticket = input.ticket ?? null;
  const fingerprint = ticket === null ? input.ticketFingerprint : fingerprintOf(ticket);
  const row: Record<string, unknown> = {
    at: at.toISOString(),
    ticket_hash: fingerprint?.hash ?? null,
    ticket_tail: fingerprint?.tail ?? null,
  };
  for (const [field, column] of Object.entries(COLUMNS)) {
    if (column in row) continue;
    const value = (input as unknown as Record<string, unknown>)[field];
    row[column] =
      value === undefined || value === ""
        ? null
        : typeof value === "boolean"
          ? Number(value)
          : value;
  }
  return row as unknown as Insertable<AuditEventsTable>;
}
