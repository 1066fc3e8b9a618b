import { nameVerified } from "../identity/limit-key";
import type { Principal } from "../identity/sessions";
import type { AuditInput } from "./audit-input";

/**
 * Who asks for an action, and through which request: every audit record starts from this
 * (conventions, habit 17). A bulk job's tickets keep the caller of the request that started
 * the job (or asked for Retry failed), so their records name that request too.
 */
export interface Caller {
  principal: Principal;
  /** This console's id for the request. */
  requestId: string | null;
  /** The caller's own X-Request-Id, when it sent a well-formed one. */
  callerRequestId: string | null;
  /** As TRUST_PROXY says: the socket's address, or the nearest untrusted forwarded one. */
  clientAddress: string | null;
}

/** The fields every record of a caller carries, drafted in this one place. */
export interface RecordDraft {
  operator: string;
  email: string | null;
  role: Principal["role"];
  nameVerified: boolean;
  requestId: string | null;
  callerRequestId: string | null;
  clientAddress: string | null;
}

export function draftRecord(caller: Caller): RecordDraft {
  const { principal } = caller;
  return {
    operator: principal.name,
    email: principal.email,
    role: principal.role,
    nameVerified: nameVerified(principal),
    requestId: caller.requestId,
    callerRequestId: caller.callerRequestId,
    clientAddress: caller.clientAddress,
  };
}

/** A record's fields beyond the caller's: the service, the ticket, the job, … */
export type RecordDetails = Partial<Omit<AuditInput, "outcome" | "kind" | keyof RecordDraft>>;
