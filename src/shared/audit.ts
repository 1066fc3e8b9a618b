import { z } from "zod";
import { FAIL_REASONS } from "./reasons";
import { END_RESULTS } from "./end-request";
import { DELIVERY_MODES, DELIVERY_STATES } from "./end-outcome";
import { ROLES } from "./session";
import { optional, serviceIdSchema, ticketSchema } from "./fail-request";
import { NO_CONTROL_CHARACTERS } from "./text";

/** What the audit trail records: every attempt, whatever came of it. */
export const AUDIT_KINDS = [
  "fail",
  /** An issued request ended through /complete (its `reason` holds the result). */
  "end",
  /** A client notification delivered from the console, or refused (one record per try). */
  "notification",
  "test-ticket",
  "sign-in",
  "sign-out",
  /** A bulk job paused, resumed, cancelled or retried (or refused that), by whom. */
  "job-control",
  /** A bulk job started, or refused before it started (its tickets have records of their own). */
  "bulk-job",
  /** A QA lab cell (one record per cell, its verdict in the detail), or a lab run refused. */
  "lab",
  /**
   * A four-eyes approval request's step (issue 21): requested, approved, rejected, expired,
   * break-glass acknowledged; its detail says which. The action it ran has its own record.
   */
  "approval",
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const AUDIT_OUTCOMES = [
  /**
   * Written before the Authlete call and while it (with a bulk ticket's retries) is out. After
   * that only if the process stopped during the call (the next start resolves a bulk ticket's
   * record as interrupted) or the completion could not be written (the log line has it).
   */
  "pending",
  "succeeded",
  /** Authlete answered with an error (or a wrong access code, for sign-in). */
  "refused",
  /** Timeout, connection error or an answer the SDK could not read. */
  "transport-error",
  /** Refused by the console's own validation: nothing was sent. */
  "invalid",
  "rate-limited",
  /** The signed-in role may not do this. */
  "forbidden",
  /** A fault of the console itself (logged with the request ID). */
  "console-error",
  /** A bulk job's ticket that was never sent: still queued when cancelled or when the console stopped. */
  "not-attempted",
  /** Sent (or between retries), but the console stopped first: it may or may not have taken effect. */
  "interrupted",
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const auditEventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: z.enum(AUDIT_KINDS),
  outcome: z.enum(AUDIT_OUTCOMES),
  operator: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES).nullable(),
  serviceId: z.string().nullable(),
  target: z.string().nullable(),
  /** SHA-256 of the ticket, hex: finds every record of one ticket without storing it. */
  ticketHash: z.string().nullable(),
  /** The last 6 characters, for people to recognise a ticket. */
  ticketTail: z.string().nullable(),
  /** A fail's reason, or an end's result. */
  reason: z.string().nullable(),
  errorDescription: z.string().nullable(),
  errorUri: z.string().nullable(),
  justification: z.string().nullable(),
  resultCode: z.string().nullable(),
  action: z.string().nullable(),
  upstreamStatus: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  requestId: z.string().nullable(),
  /** Where the request came from: the socket's address, or TRUST_PROXY's X-Forwarded-For. */
  clientAddress: z.string().nullable(),
  /**
   * False when the name was typed with the shared access code (nothing proves who it was);
   * true for a local account or OIDC; null for records of no one (a system action).
   */
  nameVerified: z.boolean().nullable(),
  /** The caller's own X-Request-Id, when it sent a well-formed one. */
  callerRequestId: z.string().nullable(),
  /** Why, in a few words, when the outcome is not "succeeded" (e.g. the fields that were invalid). */
  detail: z.string().nullable(),
  /** The bulk job this ticket was part of. */
  jobId: z.string().nullable(),
  /** An end's client delivery mode, as Authlete reported it. */
  deliveryMode: z.enum(DELIVERY_MODES).nullable(),
  /** SHA-256 of the auth_req_id (an end, a notification), hex; never the value. */
  authReqIdHash: z.string().nullable(),
  authReqIdTail: z.string().nullable(),
  /** An end's notification: what came of it (the notification records have each try). */
  notification: z.enum(DELIVERY_STATES).nullable(),
  /** The approval request this record belongs to (issue 21). */
  approvalId: z.string().nullable(),
  /** Who approved the action this record is of (the operator is who asked for it). */
  approvedBy: z.string().nullable(),
  /**
   * Its place in the tamper-evident chain and its link hash (issue 22), once it closed; a full
   * export carries them, so the chain can be checked outside the console.
   */
  chainSeq: z.number().int().nullable(),
  chainHash: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

const optionalText = optional(
  z.string().trim().max(256).regex(NO_CONTROL_CHARACTERS, "A filter has no control characters."),
);
const optionalTime = optional(
  z.iso.datetime({
    offset: true,
    local: true,
    error: "Use a date and time such as 2026-11-29T14:00.",
  }),
);

/** GET /api/audit and its export: every filter optional, all combined with AND. */
export const auditFiltersSchema = z.strictObject({
  operator: optionalText,
  serviceId: optionalText.pipe(serviceIdSchema.optional()),
  /**
   * The ticket itself (the server matches it by its hash), or its last 6 characters as the
   * pages show them (matched by the stored tail: another ticket may share it).
   */
  ticket: optionalText.pipe(ticketSchema.optional()),
  reason: optional(
    z.enum([...FAIL_REASONS, ...END_RESULTS], {
      error: "Not a reason of the fail API, or a result of /complete.",
    }),
  ),
  outcome: optional(z.enum(AUDIT_OUTCOMES, { error: "Not an outcome." })),
  kind: optional(z.enum(AUDIT_KINDS, { error: "Not a kind of record." })),
  jobId: optionalText,
  /** Inclusive bounds; a time without an offset is UTC. */
  from: optionalTime,
  to: optionalTime,
});
export type AuditFilters = z.output<typeof auditFiltersSchema>;

/** Whether any filter is set: then an export leaves records out and cannot be verified. */
export function anyFilterSet(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined);
}
export type AuditFiltersInput = z.input<typeof auditFiltersSchema>;

export const AUDIT_PAGE_SIZE_MAX = 200;

export const auditPageQuerySchema = auditFiltersSchema.extend({
  /** Opaque: the nextCursor of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "Not a cursor of this console.")
    .optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_SIZE_MAX).default(50),
});

export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  /** Absent on the last page. */
  nextCursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
