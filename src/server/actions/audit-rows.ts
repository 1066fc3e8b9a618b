import type { Insertable } from "kysely";
import type { AuditEvent } from "../../shared/audit";
import type { AuditEventsTable } from "../db/schema";
import { fingerprintOf } from "../db/ticket-fingerprint";
import { storableText } from "../../shared/text";
import type { AuditCompletion, AuditInput } from "./audit-input";

/** Audit records ↔ rows of audit_events: the column of each field, in one place. */

export type Column = Exclude<keyof AuditEventsTable, "id">;

/** Every column, named as the API names the field: a typed selection, written out. */
export const SELECTION = [
  "id",
  "at",
  "kind",
  "outcome",
  "operator",
  "email",
  "role",
  "service_id as serviceId",
  "target",
  "ticket_hash as ticketHash",
  "ticket_tail as ticketTail",
  "reason",
  "error_description as errorDescription",
  "error_uri as errorUri",
  "justification",
  "result_code as resultCode",
  "action",
  "upstream_status as upstreamStatus",
  "duration_ms as durationMs",
  "request_id as requestId",
  "detail",
  "job_id as jobId",
  "client_address as clientAddress",
  "name_verified as nameVerified",
  "caller_request_id as callerRequestId",
  "delivery_mode as deliveryMode",
  "auth_req_id_hash as authReqIdHash",
  "auth_req_id_tail as authReqIdTail",
  "notification",
  "approval_id as approvalId",
  "approved_by as approvedBy",
  "chain_seq as chainSeq",
  "chain_hash as chainHash",
] as const;

type SelectedRow = Omit<AuditEvent, "nameVerified"> & { nameVerified: number | null };

/** A row as the API shows it: name_verified is stored as 0/1 (both databases have integers). */
export function toEvent(row: SelectedRow): AuditEvent {
  return { ...row, nameVerified: row.nameVerified === null ? null : Boolean(row.nameVerified) };
}

/**
 * A completion's columns (a pending record's outcome, once its call is over). It closes the
 * record (it enters the audit chain) unless an end's notification is still to come.
 */
export function completionColumns(completion: AuditCompletion, at: Date) {
  return {
    closes_at: completion.awaitsNotification ? null : at.toISOString(),
    outcome: completion.outcome,
    result_code: completion.resultCode ? storableText(completion.resultCode) : null,
    action: completion.action ? storableText(completion.action) : null,
    upstream_status: completion.upstreamStatus ?? null,
    duration_ms: completion.durationMs ?? null,
    detail: completion.detail ? storableText(completion.detail) : null,
    ...(completion.deliveryMode && { delivery_mode: completion.deliveryMode }),
    ...(completion.authReqId && fingerprintColumns(completion.authReqId)),
    ...(completion.notification && { notification: completion.notification }),
  };
}

/** An auth_req_id's columns: its hash and tail, never the value. */
export function fingerprintColumns(authReqId: string) {
  const { hash, tail } = fingerprintOf(authReqId);
  return { auth_req_id_hash: hash, auth_req_id_tail: tail };
}

/** A record as a row: the ticket becomes its hash and tail, booleans 0/1, "" null. */
export function toRow(input: AuditInput, at: Date): Insertable<AuditEventsTable> {
  const ticket = input.ticket ?? null;
  const fingerprint = ticket === null ? input.ticketFingerprint : fingerprintOf(ticket);
  const text = (value: string | null | undefined) => (value ? storableText(value) : null);
  const authReqId = input.authReqId ? fingerprintOf(input.authReqId) : undefined;
  return {
    at: at.toISOString(),
    kind: input.kind,
    outcome: input.outcome,
    operator: storableText(input.operator),
    email: text(input.email),
    role: input.role ?? null,
    service_id: text(input.serviceId),
    target: text(input.target),
    ticket_hash: fingerprint?.hash ?? null,
    ticket_tail: fingerprint ? storableText(fingerprint.tail) : null,
    reason: text(input.reason),
    error_description: text(input.errorDescription),
    error_uri: text(input.errorUri),
    justification: text(input.justification),
    result_code: text(input.resultCode),
    action: text(input.action),
    upstream_status: input.upstreamStatus ?? null,
    duration_ms: input.durationMs ?? null,
    request_id: text(input.requestId),
    detail: text(input.detail),
    job_id: text(input.jobId),
    client_address: text(input.clientAddress),
    name_verified:
      input.nameVerified === null || input.nameVerified === undefined
        ? null
        : Number(input.nameVerified),
    caller_request_id: text(input.callerRequestId),
    delivery_mode: input.deliveryMode ?? null,
    auth_req_id_hash: authReqId?.hash ?? null,
    auth_req_id_tail: authReqId ? storableText(authReqId.tail) : null,
    notification: input.notification ?? null,
    approval_id: text(input.approvalId),
    approved_by: text(input.approvedBy),
    // A pending record closes when it is completed; a finished one now, or when its window ends.
    closes_at:
      input.outcome === "pending"
        ? null
        : new Date(at.getTime() + (input.openForMs ?? 0)).toISOString(),
    chain_seq: null,
    chain_hash: null,
  };
}
