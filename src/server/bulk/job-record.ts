import type { BulkJobRequest, LineChoice } from "../../shared/bulk-job";
import { draftRecord } from "../actions/caller";
import type { Caller, RecordDetails, RecordDraft } from "../actions/caller";
import { subjectOfOwner } from "../identity/limit-key";
import type { ResolvedService } from "../authlete/service-directory";
import { fingerprintOf } from "../db/ticket-fingerprint";
import type { JobSettings, NewJob } from "./job-rows";
import type { TicketSeal } from "./ticket-seal";

/**
 * The draft of every record a job's tickets make, whether the replica that started the job
 * writes it or one that took the job over after a crash: the same fields either way.
 */
export function jobRecord(job: {
  id: string;
  caller: Caller;
  request: Omit<BulkJobRequest, "tickets">;
  /** The Authlete the tickets go to; null when the service is no longer configured. */
  target: string | null;
}): RecordDraft & RecordDetails {
  return {
    ...draftRecord(job.caller),
    serviceId: job.request.serviceId,
    target: job.target,
    errorDescription: job.request.errorDescription,
    errorUri: job.request.errorUri,
    justification: job.request.justification,
    jobId: job.id,
  };
}

/** Who started the job, and through which request, as the store keeps it. */
export function callerOfJob(settings: JobSettings): Caller {
  return {
    principal: {
      name: settings.operator,
      email: settings.email,
      role: settings.role,
      subject: subjectOfOwner(settings.ownerKey),
    },
    requestId: settings.requestId,
    callerRequestId: settings.callerRequestId,
    clientAddress: settings.clientAddress,
  };
}

/** The job's settings as its request said them. */
export function requestOfJob(settings: JobSettings): Omit<BulkJobRequest, "tickets"> {
  return {
    serviceId: settings.serviceId,
    action: settings.action,
    deliverNotification: settings.deliverNotifications,
    // Checked against the action when the job was started.
    reason: (settings.reason ?? undefined) as LineChoice | undefined,
    errorDescription: settings.errorDescription ?? undefined,
    errorUri: settings.errorUri ?? undefined,
    justification: settings.justification ?? undefined,
  };
}

/** A new job as the store keeps it, and the tickets this replica holds for it. */
export function newJob(args: {
  id: string;
  request: BulkJobRequest;
  service: ResolvedService;
  caller: Caller;
  ownerKey: string;
  concurrency: number;
  lease: { owner: string; until: number };
  seal: TicketSeal | undefined;
}) {
  const { id, request, caller } = args;
  const { tickets, again: _again, confirmation: _confirmation, ...settings } = request;
  const held = new Map(
    tickets.map((item, index) => [
      index + 1,
      { ticket: item.ticket, reason: (item.reason ?? request.reason)!, line: item.line ?? null },
    ]),
  );
  const job: NewJob = {
    id,
    operator: caller.principal.name,
    email: caller.principal.email,
    role: caller.principal.role,
    serviceId: request.serviceId,
    serviceName: args.service.name ?? null,
    concurrency: args.concurrency,
    action: request.action ?? "fail",
    deliverNotifications: request.deliverNotification ?? false,
    reason: request.reason ?? null,
    errorDescription: request.errorDescription ?? null,
    errorUri: request.errorUri ?? null,
    justification: request.justification ?? null,
    ownerKey: args.ownerKey,
    requestId: caller.requestId,
    callerRequestId: caller.callerRequestId,
    clientAddress: caller.clientAddress,
    lease: args.lease,
    items: [...held].map(([seq, { ticket, reason, line }]) => {
      const { hash, tail } = fingerprintOf(ticket);
      const sealed = args.seal?.seal(ticket, id, seq) ?? null;
      return { seq, line, reason, ticketHash: hash, ticketTail: tail, sealed };
    }),
  };
  return { job, held, settings };
}
