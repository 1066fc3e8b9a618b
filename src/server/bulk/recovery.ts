import type { AuditTrail } from "../store/audit-trail";
import type { BulkJobStore } from "../store/bulk-job-store";

const STOPPED = "the console stopped during the bulk job";

/**
 * At start: jobs a previous process left running or paused cannot go on, because their tickets
 * were in that process's memory only. A ticket still queued was never sent: not-attempted. One
 * in flight (sent, or between retries) may or may not have reached Authlete: interrupted, its
 * pending audit record completed so. Returns the jobs it ended.
 */
export function recoverUnfinishedJobs(store: BulkJobStore, audit: AuditTrail): string[] {
  const ids = store.unfinishedJobIds();
  for (const id of ids) {
    const job = store.job(id)!;
    const settings = store.jobSettings(id);
    const neverSent = store.moveItems(id, "queued", "not-attempted");
    audit.recordMany(
      neverSent.map((item) => ({
        kind: "fail" as const,
        outcome: "not-attempted" as const,
        operator: job.operator,
        email: settings?.email ?? null,
        role: "operator" as const,
        serviceId: job.serviceId,
        ticketFingerprint: { hash: item.ticketHash, tail: item.ticketTail },
        reason: item.reason,
        jobId: id,
        detail: `${STOPPED} before it was sent`,
      })),
    );
    for (const item of store.moveItems(id, "in-flight", "interrupted")) {
      const completion = { outcome: "interrupted" as const, detail: STOPPED };
      if (audit.completePendingOf(id, item.ticketHash, completion)) continue;
      audit.record({
        kind: "fail",
        operator: job.operator,
        email: settings?.email ?? null,
        role: "operator",
        serviceId: job.serviceId,
        ticketFingerprint: { hash: item.ticketHash, tail: item.ticketTail },
        reason: item.reason,
        jobId: id,
        ...completion,
      });
    }
    store.setStatus(id, "interrupted", true);
  }
  return ids;
}
