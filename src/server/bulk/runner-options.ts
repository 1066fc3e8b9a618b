import type { AuditTrail } from "../actions/audit-trail";
import type { ServiceDirectory } from "../authlete/service-directory";
import type { Clock } from "../db/clock";
import type { Logger } from "../logger";
import type { BulkJobStore } from "./bulk-job-store";
import type { RetryPolicy } from "./live-job";
import type { TicketSeal } from "./ticket-seal";
import type { DeliveryDeps } from "../notifications/delivery";

export interface BulkRunnerOptions {
  store: BulkJobStore;
  audit: AuditTrail;
  services: ServiceDirectory;
  logger: Logger;
  concurrency: number;
  retry: RetryPolicy;
  /** How long an ended job keeps its failed tickets for Retry failed; then they are dropped. */
  retryWindowMs: number;
  /** Seals tickets into the database so that another replica can go on; absent: memory only. */
  seal: TicketSeal | undefined;
  /** This process, as the owner of job leases. */
  replicaId: string;
  /** SQLite: the only console on its database, so every unfinished job at start is its own. */
  soleReplica: boolean;
  /** A lease not renewed for this long is another replica's to take (default 10 s). */
  leaseMs?: number;
  /** How often leases are renewed and requests from other replicas read (default 1 s). */
  heartbeatMs?: number;
  /** The runner's clock (tests move it): leases, the retry window, the pace. */
  clock: Clock;
  /** The longest a call may take (AUTHLETE_TIMEOUT_MS): what a shutdown waits for. */
  callTimeoutMs: number;
  /** An end job's client notifications. */
  delivery: DeliveryDeps;
}
