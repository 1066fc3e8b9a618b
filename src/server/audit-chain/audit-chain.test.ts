import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/database";
import type { ConsoleSchema } from "../db/schema";
import { createPostgresDatabase } from "../../testing/test-databases";
import { startConsole } from "../../testing/test-harness";
import { CHAINED_COLUMNS, GENESIS_HASH, linkHash } from "./chain-link";
import { readCheckpoints } from "./checkpoints";
import { verifyChain } from "./verify-chain";
import type { ChainReport } from "./verify-chain";

/**
 * Issue 22, part 1: records are chained as they close; `npm run audit:verify` finds an edited,
 * deleted, inserted or moved record, and with the signed checkpoints a rewritten or cut chain.
 * The tampering is done behind the console's back, in the database itself.
 */

const dir = mkdtempSync(join(tmpdir(), "cfc-chain-"));
const keys = generateKeyPairSync("ed25519");
const keyFile = join(dir, "signing.pem");
writeFileSync(keyFile, keys.privateKey.export({ type: "pkcs8", format: "pem" }));
const publicKeyFile = join(dir, "public.pem");
writeFileSync(publicKeyFile, keys.publicKey.export({ type: "spki", format: "pem" }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROLLBACK = new Error("rolled back");

/** A change made inside a transaction that is rolled back once the chain is verified. */
async function verifiedAfter(
  db: Kysely<ConsoleSchema>,
  change: (trx: Kysely<ConsoleSchema>) => Promise<unknown>,
  options: Parameters<typeof verifyChain>[1] = {},
): Promise<ChainReport> {
  let report: ChainReport | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      await change(trx);
      report = await verifyChain(trx, options);
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  return report!;
}

const idAt = async (db: Kysely<ConsoleSchema>, seq: number) =>
  (
    await db
      .selectFrom("audit_events")
      .select("id")
      .where("chain_seq", "=", seq)
      .executeTakeFirstOrThrow()
  ).id;

/** Moves records at `from` and after one place on (through negative numbers: unique index). */
async function shiftFrom(trx: Kysely<ConsoleSchema>, from: number) {
  await sql`update audit_events set chain_seq = -chain_seq - 1 where chain_seq >= ${from}`.execute(
    trx,
  );
  await sql`update audit_events set chain_seq = -chain_seq where chain_seq < 0`.execute(trx);
}

const run = promisify(execFile);
async function auditVerify(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "src/tools/audit-verify.ts", ...args],
      { env },
    );
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout + failed.stderr };
  }
}

describe.each(["sqlite", "postgres"] as const)("the audit chain on %s", (dialect) => {
  it("chains records as they close, and audit:verify finds every change made behind its back", async () => {
    const databasePath = join(dir, `${dialect}.db`);
    const databaseUrl = dialect === "postgres" ? await createPostgresDatabase() : undefined;
    const checkpointFile = join(dir, `${dialect}-checkpoints.jsonl`);
    let now = Date.parse("2026-12-05T10:00:00Z");
    const running = await startConsole({
      databasePath,
      databaseUrl,
      now: () => now,
      env: {
        AUDIT_SIGNING_KEY_FILE: keyFile,
        AUDIT_CHECKPOINT_FILE: checkpointFile,
        AUDIT_CHECKPOINT_RECORDS: "4",
      },
    });
    for (let i = 0; i < 8; i++) {
      const answer = await running.post("/api/backchannel/authentication/fail", {
        serviceId: "1000000001",
        backchannelAuthenticationFailRequest: {
          ticket: `chain-ticket-${i}`,
          reason: "SERVER_ERROR",
        },
        justification: `INC-${i}`,
      });
      expect(answer.status).toBe(200);
    }
    // A refused sign-in: its window's record is rewritten until the window ends (15 minutes).
    const refused = await running.request("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "" },
      body: JSON.stringify({ name: "Mallory", accessCode: "not-the-code-at-all" }),
    });
    expect(refused.status).toBe(401);
    let head = await running.auditChain.sealDue();
    // The harness's sign-in and the 8 fails; the open window is not in the chain yet.
    expect(head.seq).toBe(9);
    now += 16 * 60_000;
    head = await running.auditChain.sealDue();
    expect(head.seq).toBe(10);
    await running.close();

    const env: Record<string, string> =
      databaseUrl === undefined ? { AUDIT_DB: databasePath } : { DATABASE_URL: databaseUrl };
    const clean = await auditVerify(
      env,
      "--checkpoints",
      checkpointFile,
      "--public-key",
      publicKeyFile,
    );
    expect(clean.stdout).toContain("The audit chain verifies: 10 records");
    expect(clean.code).toBe(0);

    const database = await openDatabase({
      url: databaseUrl,
      path: databasePath,
      busyTimeoutMs: 1000,
      synchronous: "normal",
    });
    const { db } = database;
    const checkpoints = readCheckpoints(checkpointFile);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    const signed = { checkpoints, publicKey: keys.publicKey };
    try {
      expect((await verifyChain(db, signed)).ok).toBe(true);

      const edited = await verifiedAfter(db, (trx) =>
        trx
          .updateTable("audit_events")
          .set({ justification: "nothing to see" })
          .where("chain_seq", "=", 3)
          .execute(),
      );
      expect(edited.problem).toMatchObject({ seq: 3, id: await idAt(db, 3) });
      expect(edited.problem?.what).toContain("does not match its link");

      const deleted = await verifiedAfter(db, (trx) =>
        trx.deleteFrom("audit_events").where("chain_seq", "=", 5).execute(),
      );
      expect(deleted.problem).toMatchObject({ seq: 5, id: await idAt(db, 6) });
      expect(deleted.problem?.what).toContain("record 5 is missing");

      const inserted = await verifiedAfter(db, async (trx) => {
        const row = await trx
          .selectFrom("audit_events")
          .selectAll()
          .where("chain_seq", "=", 4)
          .executeTakeFirstOrThrow();
        await shiftFrom(trx, 4);
        const { id: _id, ...copy } = row;
        await trx
          .insertInto("audit_events")
          .values({ ...copy, operator: "Mallory", chain_seq: 4 })
          .execute();
      });
      expect(inserted.problem?.seq).toBe(4);
      expect(inserted.problem?.id).toBeGreaterThan(await idAt(db, 10));

      const reordered = await verifiedAfter(db, async (trx) => {
        await sql`update audit_events set chain_seq = -1 where chain_seq = 6`.execute(trx);
        await sql`update audit_events set chain_seq = 6 where chain_seq = 7`.execute(trx);
        await sql`update audit_events set chain_seq = 7 where chain_seq = -1`.execute(trx);
      });
      expect(reordered.problem).toMatchObject({ seq: 6, id: await idAt(db, 7) });

      // Whoever knows the format can recompute every link after an edit: the chain alone then
      // verifies, and only the signed checkpoints tell.
      const rewrite = async (trx: Kysely<ConsoleSchema>) => {
        await trx
          .updateTable("audit_events")
          .set({ operator: "Someone Else" })
          .where("chain_seq", "=", 2)
          .execute();
        let previous = (
          await trx
            .selectFrom("audit_events")
            .select("chain_hash")
            .where("chain_seq", "=", 1)
            .executeTakeFirstOrThrow()
        ).chain_hash!;
        for (let seq = 2; seq <= 10; seq++) {
          const row = await trx
            .selectFrom("audit_events")
            .select(CHAINED_COLUMNS)
            .where("chain_seq", "=", seq)
            .executeTakeFirstOrThrow();
          previous = linkHash(previous, seq, row);
          await trx
            .updateTable("audit_events")
            .set({ chain_hash: previous })
            .where("chain_seq", "=", seq)
            .execute();
        }
      };
      expect((await verifiedAfter(db, rewrite)).ok).toBe(true);
      const rewritten = await verifiedAfter(db, rewrite, signed);
      expect(rewritten.problem?.seq).toBe(checkpoints[0]!.seq);
      expect(rewritten.problem?.what).toContain("the chain was rewritten");

      const last = checkpoints.at(-1)!.seq;
      const cut = (trx: Kysely<ConsoleSchema>) =>
        trx.deleteFrom("audit_events").where("chain_seq", ">=", last).execute();
      expect((await verifiedAfter(db, cut)).ok).toBe(true);
      expect((await verifiedAfter(db, cut, signed)).problem?.what).toContain("cut from the end");

      // Checkpoints signed with another key prove nothing.
      const stranger = generateKeyPairSync("ed25519").publicKey;
      expect((await verifyChain(db, { checkpoints, publicKey: stranger })).problem?.what).toContain(
        "not signed by the given key",
      );
      // Record 1 links to the genesis hash, as the README tells outside verifiers.
      const first = await db
        .selectFrom("audit_events")
        .select([...CHAINED_COLUMNS, "chain_hash"])
        .where("chain_seq", "=", 1)
        .executeTakeFirstOrThrow();
      expect(first.chain_hash).toBe(linkHash(GENESIS_HASH, 1, first));

      // The command itself: exit 1, naming the first record that does not verify.
      await db
        .updateTable("audit_events")
        .set({ detail: "edited" })
        .where("chain_seq", "=", 8)
        .execute();
    } finally {
      await database.close();
    }
    const dirty = await auditVerify(env);
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toContain("does NOT verify: record 8");
  }, 60_000);

  it("a full JSON export verifies outside the console; an edited one does not; a filtered one says it cannot", async () => {
    const databaseUrl = dialect === "postgres" ? await createPostgresDatabase() : undefined;
    const running = await startConsole({
      databaseUrl,
      databasePath: join(dir, `${dialect}-export.db`),
    });
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await running.post("/api/backchannel/authentication/fail", {
          serviceId: "1000000001",
          backchannelAuthenticationFailRequest: {
            ticket: `export-ticket-${i}`,
            reason: "SERVER_ERROR",
          },
          justification: `INC-${i}`,
        });
        expect(answer.status).toBe(200);
      }
      expect((await running.auditChain.sealDue()).seq).toBe(6);
      const full = await running.get("/api/audit/export?format=json");
      expect(full.headers.get("x-audit-chain")).toMatch(/^full:/);
      expect(full.headers.get("content-disposition")).toContain("audit-full-");
      const file = join(dir, `${dialect}-export.json`);
      writeFileSync(file, full.text);
      const clean = await auditVerify({}, "--export", file);
      expect(clean.stdout).toContain("verifies: 6 records");
      expect(clean.code).toBe(0);

      const events = JSON.parse(full.text) as { chainSeq: number; justification: string }[];
      events.find((event) => event.chainSeq === 4)!.justification = "INC-edited";
      writeFileSync(file, JSON.stringify(events));
      const edited = await auditVerify({}, "--export", file);
      expect(edited.code).toBe(1);
      expect(edited.stdout).toContain("does NOT verify: record 4");

      const filtered = await running.get("/api/audit/export?format=json&kind=fail");
      expect(filtered.headers.get("x-audit-chain")).toContain("cannot be verified");
      expect(filtered.headers.get("content-disposition")).toContain("audit-filtered-unverifiable-");
    } finally {
      await running.close();
    }
  }, 60_000);
});
