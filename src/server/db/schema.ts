import type { ApprovalKind, ApprovalState } from "../../shared/approvals";
import type { Generated } from "kysely";
import type { AuditKind, AuditOutcome } from "../../shared/audit";
import type { BulkItemState, BulkJob } from "../../shared/bulk-job";
import type { Role } from "../../shared/session";
import type { DeliveryMode, DeliveryState } from "../../shared/end-outcome";

/**
 * The console's tables as Kysely sees them, for both dialects. Times people read are UTC ISO
 * strings (they sort as text in both); times only code compares are epoch milliseconds.
 */
export interface ConsoleSchema {
  audit_events: AuditEventsTable;
  audit_people: AuditPeopleTable;
  bulk_jobs: BulkJobsTable;
  bulk_items: BulkItemsTable;
  sessions: SessionsTable;
  rate_limit_buckets: RateLimitBucketsTable;
  sign_in_attempts: SignInAttemptsTable;
  console_instances: ConsoleInstancesTable;
  held_notifications: HeldNotificationsTable;
  lab_runs: LabRunsTable;
  lab_notifications: LabNotificationsTable;
  oidc_pending: OidcPendingTable;
  approvals: ApprovalsTable;
  audit_sinks: AuditSinksTable;
  audit_checkpoints: AuditCheckpointsTable;
}

/** A client notification that did not arrive, sealed, for Deliver again (10 minutes). */
export interface LabRunsTable {
  id: string;
  service_id: string;
  /** Who started it (identity/limit-key.ts). */
  owner_key: string;
  started_at: string;
  state: string;
  /** The LabRun, as JSON: tickets, auth_req_ids and tokens appear as tails only. */
  report: string;
}

export interface LabNotificationsTable {
  /** SHA-256 of the client notification token the cell chose. */
  token_hash: string;
  /** Epoch ms: a cell that never read it is wiped after. */
  expires_at: number;
  received_at: string | null;
  body: string | null;
}

export interface HeldNotificationsTable {
  id: string;
  service_id: string;
  /** Whose it is: only they (or a supervisor) may deliver it again. */
  owner_key: string;
  /** The end's audit record, whose notification column follows the deliveries. */
  end_audit_id: number;
  /** Epoch ms: wiped after. */
  expires_at: number;
  /** The endpoint, token, body and auth_req_id, sealed (db/seal.ts) with the id as context. */
  sealed: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: string;
  kind: AuditKind;
  outcome: AuditOutcome;
  operator: string;
  email: string | null;
  role: Role | null;
  service_id: string | null;
  target: string | null;
  ticket_hash: string | null;
  ticket_tail: string | null;
  reason: string | null;
  error_description: string | null;
  error_uri: string | null;
  justification: string | null;
  result_code: string | null;
  action: string | null;
  upstream_status: number | null;
  duration_ms: number | null;
  request_id: string | null;
  detail: string | null;
  job_id: string | null;
  client_address: string | null;
  /** 1: the name was proven (a local account, OIDC); 0: typed with the shared code. */
  name_verified: number | null;
  /** The caller's X-Request-Id, when it sent a well-formed one; never the record's own id. */
  caller_request_id: string | null;
  delivery_mode: DeliveryMode | null;
  auth_req_id_hash: string | null;
  auth_req_id_tail: string | null;
  notification: DeliveryState | null;
  /** The approval request an action ran on (issue 21), and who approved it. */
  approval_id: string | null;
  approved_by: string | null;
  /** When the record can no longer change and enters the chain; null while it is open. */
  closes_at: string | null;
  /** Its position in the hash chain (audit-chain/), and the link's hash; null until then. */
  chain_seq: number | null;
  chain_hash: string | null;
}

/**
 * Every (name, email) that appears in the audit trail, once: the Operator filter matches a part
 * of a name or email here (a few rows per person), then reads records through the operator
 * index, instead of reading every record to find a rare name.
 */
export interface AuditPeopleTable {
  name: string;
  /** Empty when the records carry none. */
  email: string;
}

export interface BulkJobsTable {
  id: string;
  created_at: string;
  finished_at: string | null;
  operator: string;
  email: string | null;
  role: Role | null;
  service_id: string;
  service_name: string | null;
  status: BulkJob["status"];
  total: number;
  concurrency: number;
  reason: string | null;
  error_description: string | null;
  error_uri: string | null;
  justification: string | null;
  /** The replica running the job, and until when (epoch ms) its lease holds without a heartbeat. */
  lease_owner: string | null;
  lease_until: number;
  /** An operator's pause, resume, cancel or retry, asked on a replica that does not run the job. */
  requested: "pause" | "resume" | "cancel" | null;
  /** This console's id and the caller's X-Request-Id of the request that started the job. */
  request_id: string | null;
  caller_request_id: string | null;
  /** Where that request came from. */
  client_address: string | null;
  /** The owner's limit key (limits.ts): who may control the job besides a supervisor. */
  owner_key: string | null;
  /** Fail tickets, or end issued requests (migration 005). */
  action: Generated<"fail" | "end">;
  /** 1: an end job sends each due client notification from the console. */
  deliver_notifications: Generated<number>;
}

export interface BulkItemsTable {
  job_id: string;
  seq: number;
  /** The line of the pasted list the ticket was on (1-based), when the page sent it. */
  line: number | null;
  ticket_hash: string;
  ticket_tail: string;
  /** The ticket, AES-256-GCM under TICKET_ENCRYPTION_KEY, while the job may still send it. */
  ticket_sealed: string | null;
  reason: string;
  state: BulkItemState;
  /** An end job's ticket: what came of its client notification. */
  notification: DeliveryState | null;
  attempts: Generated<number>;
  result_code: string | null;
  action: string | null;
  upstream_status: number | null;
  error: string | null;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's random id: a copy of the table signs no one in. */
  id_hash: string;
  name: string;
  email: string | null;
  role: Role;
  /** The proven identity (an account or OIDC subject); null for a name typed with the shared code. */
  subject: string | null;
  created_at: number;
  last_seen_at: number;
  /** SHA-256 of what the session was granted from (account entry, shared code); null for OIDC. */
  fingerprint: string | null;
  /** OIDC only: the ID token claims (JSON) the role is computed again from. */
  claims: string | null;
}

/** Actions per key in one slice of the window (a sixtieth of it: a second of a minute). */
export interface RateLimitBucketsTable {
  key: string;
  /** The slice's start, epoch milliseconds. */
  bucket: number;
  count: number;
}

/** Sign-in failures per key (a client address, or an account), in the current window. */
export interface SignInAttemptsTable {
  key: string;
  failures: number;
  window_start: number;
  /** The window's one audit record of refused sign-ins, amended as more arrive. */
  audit_id: number | null;
  /** The window's first refusal reason: later ones do not overwrite it. */
  first_detail: string | null;
  /** JSON list of the distinct names tried in the window, the first 20. */
  names: string | null;
}

/** A started OpenID Connect sign-in, found again by its cookie's hash on any replica. */
export interface OidcPendingTable {
  id_hash: string;
  address: string;
  code_verifier: string;
  state: string;
  nonce: string;
  created_at: number;
  expires_at: number;
}

/** SQLite only: who has the file open, so that a second console on it is refused. */
export interface ConsoleInstancesTable {
  id: string;
  host: string;
  pid: number;
  heartbeat_at: number;
}

/**
 * Four-eyes approval requests (issue 21). `sealed` holds what the action needs, tickets included,
 * only while the request waits: it is wiped once decided or expired.
 */
export interface ApprovalsTable {
  id: string;
  kind: ApprovalKind;
  state: ApprovalState;
  service_id: string;
  /** The requester as the records name them (a RecordDraft, JSON): never a secret. */
  requester: string;
  /** The requester's proven identity (identity/limit-key.ts): nobody approves their own. */
  requester_key: string;
  requested_at: string;
  expires_at: number;
  justification: string | null;
  /** What the page shows: the action's line, what is sent (ticket tails), what the client gets. */
  summary: string;
  sealed: string | null;
  decided_by: string | null;
  decided_at: string | null;
  reject_reason: string | null;
  break_glass: number;
  break_glass_justification: string | null;
  acknowledged_by: string | null;
  result: string | null;
}

/** A sink of the audit stream (migration 011): how far it got, and who sends to it. */
export interface AuditSinksTable {
  name: string;
  /** The last chain_seq the sink acknowledged. */
  cursor: Generated<number>;
  /** The last checkpoint (by its seq) sent to it. */
  checkpoint_cursor: Generated<number>;
  lease_owner: string | null;
  /** Epoch ms. */
  lease_until: Generated<number>;
  failing_since: string | null;
  last_error: string | null;
  delivered_at: string | null;
}

/** A signed checkpoint waiting for the sinks (JSON of audit-chain/checkpoints.ts's Checkpoint). */
export interface AuditCheckpointsTable {
  seq: number;
  checkpoint: string;
}
