import type { Kysely } from "kysely";
import type { ConsoleSchema } from "../db/schema";
import { CHAINED_COLUMNS, GENESIS_HASH, linkHash } from "./chain-link";
import type { ChainHead, ChainedRow } from "./chain-link";
import { checkpointVerifies } from "./checkpoints";
import type { Checkpoint } from "./checkpoints";
import type { KeyObject } from "node:crypto";

/** Records read per query: memory stays the same whatever the chain's length. */
export const PAGE = 2000;

export interface ChainProblem {
  /** The position where the chain stops verifying. */
  seq: number;
  /** The record found there, if any. */
  id: number | null;
  what: string;
}

export interface ChainReport {
  ok: boolean;
  /** Records verified before the first problem (all of them when ok). */
  verified: number;
  head: ChainHead;
  problem: ChainProblem | null;
  checkpoints: { given: number; matched: number };
  /** Closed records not yet sealed (written in the last moments, or never sealed). */
  unsealed: number;
}

/**
 * Reads the chain in sequence order, a page at a time, and recomputes every link: an edited
 * field, a deleted, inserted or moved record each break it at the first record concerned. With
 * checkpoints (and the public key), it also proves the chain is the one that was signed, so a
 * rewrite of the whole chain (every hash recomputed) is found too.
 */
export async function verifyChain(
  db: Kysely<ConsoleSchema>,
  options: VerifyOptions = {},
): Promise<ChainReport> {
  const unsealed = Number(
    (
      await db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.countAll().as("count"))
        .where("chain_seq", "is", null)
        .where("closes_at", "is not", null)
        .executeTakeFirstOrThrow()
    ).count,
  );
  return verifyLinks((seq) => chainAfter(db, seq, PAGE), unsealed, options);
}

/** The chain's records after position `seq`, in order (the verifier's and the stream's read). */
export function chainAfter(db: Kysely<ConsoleSchema>, seq: number, limit: number) {
  return db
    .selectFrom("audit_events")
    .select([...CHAINED_COLUMNS, "chain_seq", "chain_hash"])
    .where("chain_seq", ">", seq)
    .orderBy("chain_seq")
    .limit(limit)
    .execute();
}

export interface VerifyOptions {
  checkpoints?: Checkpoint[];
  publicKey?: KeyObject;
}

/** A chained record with its place: what the verifier reads, from a database or an export. */
export type LinkedRow = ChainedRow & { chain_seq: number | null; chain_hash: string | null };

/** The chain's records after a position, in order, PAGE at most (fewer: the end). */
export async function verifyLinks(
  pageAfter: (seq: number) => Promise<LinkedRow[]>,
  unsealed: number,
  options: VerifyOptions,
): Promise<ChainReport> {
  const checkpoints = [...(options.checkpoints ?? [])].sort((a, b) => a.seq - b.seq);
  const given = checkpoints.length;
  let matched = 0;
  const head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  const report = (problem: ChainProblem | null): ChainReport => ({
    ok: problem === null,
    verified: head.seq,
    head: { ...head },
    problem,
    checkpoints: { given, matched },
    unsealed,
  });

  for (const checkpoint of checkpoints) {
    if (!options.publicKey || !checkpointVerifies(options.publicKey, checkpoint)) {
      return report({
        seq: checkpoint.seq,
        id: null,
        what: `the checkpoint of ${checkpoint.at} (record ${checkpoint.seq}) is not signed by the given key`,
      });
    }
  }

  let next = 0;
  for (;;) {
    const rows = await pageAfter(head.seq);
    for (const row of rows) {
      const seq = head.seq + 1;
      if (row.chain_seq! < seq) {
        return report({
          seq: row.chain_seq!,
          id: Number(row.id),
          what: `record ${row.chain_seq} appears twice (id ${row.id} is the second): inserted`,
        });
      }
      if (row.chain_seq !== seq) {
        return report({
          seq,
          id: Number(row.id),
          what: `record ${seq} is missing (deleted?): the next in the chain is record ${row.chain_seq} (id ${row.id})`,
        });
      }
      const hash = linkHash(head.hash, seq, row);
      if (hash !== row.chain_hash) {
        return report({
          seq,
          id: Number(row.id),
          what: `record ${seq} (id ${row.id}) does not match its link: edited, inserted or moved`,
        });
      }
      head.seq = seq;
      head.hash = hash;
      while (checkpoints[next] && checkpoints[next]!.seq === seq) {
        if (checkpoints[next]!.hash !== hash) {
          return report({
            seq,
            id: Number(row.id),
            what: `record ${seq} (id ${row.id}) is not the one the checkpoint of ${checkpoints[next]!.at} signed: the chain was rewritten`,
          });
        }
        matched += 1;
        next += 1;
      }
    }
    if (rows.length < PAGE) break;
  }
  const beyond = checkpoints[next];
  if (beyond) {
    return report({
      seq: head.seq + 1,
      id: null,
      what: `the chain ends at record ${head.seq}, but the checkpoint of ${beyond.at} signed record ${beyond.seq}: records were cut from the end`,
    });
  }
  return report(null);
}
