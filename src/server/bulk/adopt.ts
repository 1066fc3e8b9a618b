import type { BulkJobRequest } from "../../shared/bulk-job";
import type { LineChoice } from "../../shared/bulk-job";
import type { Caller } from "../actions/caller";
import type { Logger } from "../logger";
import type { ResolvedService, ServiceDirectory } from "../authlete/service-directory";
import type { AuditTrail } from "../actions/audit-trail";
import type { BulkJobStore } from "./bulk-job-store";
import { callerOfJob, jobRecord, requestOfJob } from "./job-record";
import type { TicketSeal } from "./ticket-seal";

const STOPPED = "the console running the job stopped";

/** What a replica needs to go on with a job it took over. */
export interface AdoptedJob {
  caller: Caller;
  request: Omit<BulkJobRequest, "tickets">;
  service: ResolvedService;
  status: "running" | "paused";
  /** Tickets to send (queued) and to keep for Retry failed (failed), by sequence number. */
  tickets: Map<number, { ticket: string; reason: LineChoice }>;
  queued: number[];
}

/**
 * Takes over a job whose replica stopped (or this console's last run). A ticket that was in
 * flight may or may not have reached Authlete: it ends interrupted, its pending audit record
 * completed so, and is never sent again by the job. A queued ticket goes on if its sealed copy
 * opens; without one (no TICKET_ENCRYPTION_KEY) it was never sent and ends not-attempted.
 * Returns undefined when nothing is left to send: the job then ends interrupted.
 *
 * `retrying`: the job had ended and Retry failed was asked on a replica that does not hold its
 * tickets: only the failed tickets' sealed copies are opened; nothing else changes.
 */
export async function adoptJob(deps: {
  jobId: string;
  store: BulkJobStore;
  audit: AuditTrail;
  services: ServiceDirectory;
  seal: TicketSeal | undefined;
  logger: Logger;
  retrying: boolean;
}): Promise<AdoptedJob | undefined> {
  const { jobId: id, store, audit, seal } = deps;
  const [job, settings] = await Promise.all([store.job(id), store.jobSettings(id)]);
  if (!job || !settings) return undefined;
  const caller = callerOfJob(settings);
  const request = requestOfJob(settings);
  let service: ResolvedService | undefined;
  try {
    service = deps.services.resolve(settings.serviceId);
  } catch {
    deps.logger.warn({ jobId: id }, "bulk job's service is no longer configured");
  }
  const base = {
    ...jobRecord({ id, caller, request, target: service?.gateway.target.baseUrl ?? null }),
    kind: "fail" as const,
  };
  const inFlight = deps.retrying ? [] : await store.moveItems(id, "in-flight", "interrupted");
  for (const item of inFlight) {
    // Its record says how far the call got: still pending (it may or may not have reached
    // Authlete), already answered (the process died before the ticket's state was written),
    // or none yet (it died before the record was begun: never sent).
    const latest = await audit.latestOfJobTicket(id, item.ticketHash);
    const completion = { outcome: "interrupted" as const, detail: STOPPED };
    if (latest?.outcome === "pending") {
      await audit.complete(latest.id, completion);
    } else if (latest) {
      await store.updateItem(id, item.seq, {
        state: latest.outcome === "succeeded" ? "succeeded" : "failed",
        resultCode: latest.resultCode,
        action: latest.action,
        upstreamStatus: latest.upstreamStatus,
        error: latest.outcome === "succeeded" ? null : (latest.detail ?? latest.outcome),
      });
    } else {
      await audit.record({
        ...base,
        ticketFingerprint: { hash: item.ticketHash, tail: item.ticketTail },
        reason: item.reason,
        ...completion,
      });
    }
  }

  const tickets = new Map<number, { ticket: string; reason: LineChoice }>();
  const opened = async (state: "queued" | "failed") => {
    const seqs: number[] = [];
    if (!seal || !service) return seqs;
    const items = await store.items(id, state, 0, Number.MAX_SAFE_INTEGER);
    const sealed = await store.sealedTickets(id, state);
    for (const item of items) {
      const copy = sealed.get(item.seq);
      if (copy === undefined) continue;
      try {
        tickets.set(item.seq, {
          ticket: seal.open(copy, id, item.seq),
          reason: item.reason as LineChoice,
        });
        seqs.push(item.seq);
      } catch {
        deps.logger.error({ jobId: id, seq: item.seq }, "a sealed ticket did not open");
      }
    }
    return seqs;
  };
  const queued = deps.retrying ? [] : await opened("queued");
  const failed = await opened("failed");
  const adopted = (status: AdoptedJob["status"]): AdoptedJob => ({
    caller,
    request,
    service: { ...service!, name: service!.name ?? settings.serviceName ?? undefined },
    status,
    tickets,
    queued,
  });
  if (deps.retrying) return failed.length > 0 ? adopted("running") : undefined;

  // Queued tickets that cannot be sent: never sent, so not-attempted, one record each.
  let unsendable;
  if (queued.length === 0) {
    unsendable = await store.moveItems(id, "queued", "not-attempted");
  } else {
    unsendable = (await store.items(id, "queued", 0, Number.MAX_SAFE_INTEGER)).filter(
      (item) => !tickets.has(item.seq),
    );
    for (const item of unsendable) {
      await store.updateItem(id, item.seq, { state: "not-attempted" });
    }
  }
  await audit.recordMany(
    unsendable.map((item) => ({
      ...base,
      outcome: "not-attempted" as const,
      ticketFingerprint: { hash: item.ticketHash, tail: item.ticketTail },
      reason: item.reason,
      detail: `${STOPPED} before it was sent${seal ? "" : " (tickets are kept only in memory without TICKET_ENCRYPTION_KEY)"}`,
    })),
  );

  if (queued.length === 0 || !service) {
    await store.setStatus(id, "interrupted", true);
    return undefined;
  }
  return adopted(job.status === "paused" ? "paused" : "running");
}
