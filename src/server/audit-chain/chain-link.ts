import { createHash } from "node:crypto";
import type { AuditEventsTable } from "../db/schema";

/**
 * One link of the audit chain: a record's fields, its position and the hash of the link before,
 * hashed together. Changing any field, position or neighbour of a record changes its hash and
 * every hash after it. The verifier (verify-chain.ts) and anyone outside the console holding a
 * full export recompute it the same way: SHA-256 over the JSON array
 * `["ciba-audit-chain/1", previousHash, seq, ...the fields below, in this order]`.
 */
export const CHAIN_FORMAT = "ciba-audit-chain/1";

/** Every column of a record, as stored: a chained record's whole content. */
export const CHAINED_COLUMNS = [
  "id",
  "at",
  "kind",
  "outcome",
  "operator",
  "email",
  "role",
  "service_id",
  "target",
  "ticket_hash",
  "ticket_tail",
  "reason",
  "error_description",
  "error_uri",
  "justification",
  "result_code",
  "action",
  "upstream_status",
  "duration_ms",
  "request_id",
  "detail",
  "job_id",
  "client_address",
  "name_verified",
  "caller_request_id",
  "delivery_mode",
  "auth_req_id_hash",
  "auth_req_id_tail",
  "notification",
  "approval_id",
  "approved_by",
] as const;

export type ChainedRow = Record<(typeof CHAINED_COLUMNS)[number], string | number | null>;

/**
 * The list is the chain's format, so it is written out (audit-rows.ts's SELECTION is the API's
 * view of the same columns). A column added to audit_events without being added here would go
 * unprotected: this fails to compile until it is added (a new format), or named below.
 */
type NotChained = "closes_at" | "chain_seq" | "chain_hash";
type Unprotected = Exclude<keyof AuditEventsTable, (typeof CHAINED_COLUMNS)[number] | NotChained>;
export const EVERY_COLUMN_IS_CHAINED: [Unprotected] extends [never] ? true : Unprotected = true;

/** The hash "before" the first record. */
export const GENESIS_HASH = "0".repeat(64);

export function linkHash(previousHash: string, seq: number, row: ChainedRow): string {
  const fields = CHAINED_COLUMNS.map((column) => row[column] ?? null);
  return createHash("sha256")
    .update(JSON.stringify([CHAIN_FORMAT, previousHash, seq, ...fields]))
    .digest("hex");
}

/** Where the chain ends: its last position and hash (0 and the genesis hash when empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}
