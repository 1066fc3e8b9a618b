import type { AuditKind, AuditOutcome } from "../../shared/audit";
import type { Role } from "../../shared/session";
import type { TicketFingerprint } from "../db/ticket-fingerprint";
import type { DeliveryMode, DeliveryState } from "../../shared/end-outcome";

/** What a route knows about an action. The raw ticket goes in; only its hash and tail are kept. */
export interface AuditInput {
  kind: AuditKind;
  outcome: AuditOutcome;
  operator: string;
  email?: string | null;
  role?: Role | null;
  serviceId?: string | null;
  target?: string | null;
  ticket?: string | null;
  reason?: string | null;
  errorDescription?: string | null;
  errorUri?: string | null;
  justification?: string | null;
  resultCode?: string | null;
  action?: string | null;
  upstreamStatus?: number | null;
  durationMs?: number | null;
  requestId?: string | null;
  detail?: string | null;
  jobId?: string | null;
  clientAddress?: string | null;
  /** False for a name typed with the shared access code; absent when no person is involved. */
  nameVerified?: boolean | null;
  callerRequestId?: string | null;
  /** Instead of `ticket`, when only its fingerprint is known (a bulk ticket after a restart). */
  ticketFingerprint?: TicketFingerprint;
  deliveryMode?: DeliveryMode | null;
  /** The raw auth_req_id goes in; only its hash and tail are kept, as for a ticket. */
  authReqId?: string | null;
  notification?: DeliveryState | null;
  approvalId?: string | null;
  approvedBy?: string | null;
  /**
   * How long a finished record may still change before it enters the audit chain: a window of
   * refused sign-ins is rewritten with its count until the window ends. Absent: at once.
   */
  openForMs?: number;
}

/** The fields known only once the call is over. */
export type AuditCompletion = Pick<
  AuditInput,
  | "outcome"
  | "resultCode"
  | "action"
  | "upstreamStatus"
  | "durationMs"
  | "detail"
  | "deliveryMode"
  | "authReqId"
  | "notification"
> & {
  /** An end whose client notification is still to be settled (amendNotification closes it). */
  awaitsNotification?: boolean;
};

/** Who hears of the trail's writes: the audit chain (records closed) and the metrics. */
export interface AuditObserver {
  /** After a write that closed records: the chain takes them in soon; never awaited. */
  closed?(): void;
  /** Records written or completed (pending ones are counted when they complete). */
  recorded?(events: readonly Pick<AuditInput, "kind" | "reason" | "outcome">[]): void;
  /** A write that did not land. */
  failed?(): void;
}
