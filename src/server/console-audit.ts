/**
 * The composition root's audit part (console.ts): the trail, the chain it feeds, the stream
 * that sends the chain to the SIEM, and the metrics that count what the trail records.
 */
import { SqlAuditTrail } from "./actions/audit-trail";
import { createAuditChain } from "./audit-chain/audit-chain";
import { createAuditStream } from "./audit-stream/audit-stream";
import type { ConsoleSettings } from "./config";
import type { Store } from "./db/store";
import { createConsoleMetrics } from "./metrics/console-metrics";

export function auditOf(settings: ConsoleSettings, store: Store, replicaId: string) {
  const metrics = createConsoleMetrics(store, () => stream.states());
  const stream = createAuditStream(store, settings.auditStream, {
    owner: replicaId,
    observer: { delivered: metrics.sinkDelivered, failed: metrics.sinkFailed },
  });
  // Checkpoints go out with the stream when there is one, else to AUDIT_CHECKPOINT_FILE.
  const auditChain = createAuditChain(
    store,
    settings.auditChain,
    stream.enabled ? stream.saveCheckpoint : undefined,
  );
  const audit = new SqlAuditTrail(store, {
    closed: () => auditChain.nudge(),
    recorded: metrics.recorded,
    failed: metrics.auditWriteFailed,
  });
  return { audit, auditChain, stream, metrics };
}
