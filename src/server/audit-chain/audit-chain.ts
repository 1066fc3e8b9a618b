import type { Store } from "../db/store";
import { createChainSealer } from "./chain-sealer";
import type { ChainHead } from "./chain-link";
import { appendToFile, createCheckpointer } from "./checkpoints";
import type { Checkpoint } from "./checkpoints";
import type { auditChainSettings } from "./settings";
import type { z } from "zod";

type AuditChainSettings = z.output<typeof auditChainSettings>["auditChain"];

/**
 * The console's part of the tamper-evident trail: the sealer that chains closed records and,
 * with a signing key, the checkpoints it signs as the chain grows (to `sendCheckpoint`, the
 * stream's sinks when there are, else the local file).
 */
export function createAuditChain(
  store: Store,
  settings: AuditChainSettings,
  sendCheckpoint?: (checkpoint: Checkpoint) => Promise<void>,
) {
  const signed = settings.checkpoints;
  const checkpointer =
    signed &&
    createCheckpointer({
      privateKey: signed.signingKey,
      records: signed.records,
      ms: signed.ms,
      now: () => store.clock.now(),
      send: sendCheckpoint ?? appendToFile(signed.file),
    });
  return createChainSealer(store, {
    intervalMs: settings.intervalMs,
    onHead: async (head: ChainHead) => {
      try {
        await checkpointer?.sealed(head);
      } catch (error) {
        store.logger.error({ err: error }, "audit chain: the checkpoint could not be written");
      }
    },
  });
}
