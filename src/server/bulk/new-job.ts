import type { Role } from "../../shared/session";
import type { BulkAction } from "../../shared/ticket-list";

/** The request that started a job (or asked for Retry failed): its tickets' records name it. */
export interface JobCaller {
  requestId: string | null;
  callerRequestId: string | null;
  clientAddress: string | null;
}

export interface NewJob extends JobCaller {
  id: string;
  operator: string;
  email: string | null;
  role: Role;
  serviceId: string;
  serviceName: string | null;
  concurrency: number;
  action: BulkAction;
  deliverNotifications: boolean;
  reason: string | null;
  errorDescription: string | null;
  errorUri: string | null;
  justification: string | null;
  /** Whose job it is (identity/limit-key.ts): who may control it, and whose budgets it counts against. */
  ownerKey: string;
  /** The replica that runs it, and until when its lease holds. */
  lease: { owner: string; until: number };
  items: {
    seq: number;
    line: number | null;
    ticketHash: string;
    ticketTail: string;
    reason: string;
    /** The ticket sealed under TICKET_ENCRYPTION_KEY, when one is set. */
    sealed: string | null;
  }[];
}
