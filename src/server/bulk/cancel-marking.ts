import type { AuditTrail } from "../actions/audit-trail";
import type { RecordDetails, RecordDraft } from "../actions/caller";
import type { ServiceDirectory } from "../authlete/service-directory";
import type { Logger } from "../logger";
import type { BulkJobStore } from "./bulk-job-store";
import { callerOfJob, jobRecord, requestOfJob } from "./job-record";

/** Tickets a cancel marks not-attempted (and records) per write. */
const CANCEL_CHUNK = 50;

/**
 * Marks a cancelled job's queued tickets not-attempted, one record each, a chunk at a time,
 * yielding between chunks: the whole of a 10,000-ticket job in one go held the event loop for
 * 0.5–0.8 s (bench: npm run bench -- trust).
 */
export async function markUnsent(
  deps: { store: BulkJobStore; audit: AuditTrail },
  jobId: string,
  draft: RecordDraft & RecordDetails,
): Promise<void> {
  for (let afterSeq = 0; ;) {
    const neverSent = await deps.store.moveItems(jobId, "queued", "not-attempted", {
      limit: CANCEL_CHUNK,
      afterSeq,
    });
    if (neverSent.length === 0) break;
    afterSeq = neverSent.at(-1)!.seq;
    await deps.audit.recordMany(
      neverSent.map((item) => ({
        ...draft,
        kind: "fail" as const,
        outcome: "not-attempted" as const,
        ticketFingerprint: { hash: item.ticketHash, tail: item.ticketTail },
        reason: item.reason,
        detail: "cancelled before it was sent (the job-control record says by whom)",
      })),
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A cancel cut short by a crash left queued tickets in a cancelled job: finished at start,
 * with the same records the cancel would have written.
 */
export async function finishCutCancels(deps: {
  store: BulkJobStore;
  audit: AuditTrail;
  services: ServiceDirectory;
  logger: Logger;
}): Promise<void> {
  for (const id of await deps.store.cancelledWithQueued()) {
    const settings = await deps.store.jobSettings(id);
    if (!settings) continue;
    let target: string | null = null;
    try {
      target = deps.services.resolve(settings.serviceId).gateway.target.baseUrl;
    } catch {
      // The service is no longer configured: the records say no target.
    }
    const draft = jobRecord({
      id,
      caller: callerOfJob(settings),
      request: requestOfJob(settings),
      target,
    });
    await markUnsent(deps, id, draft);
    deps.logger.warn({ jobId: id }, "a cancel cut short by a stop was finished");
  }
}
