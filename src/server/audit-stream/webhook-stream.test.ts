import { generateKeyPairSync, timingSafeEqual } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { auditSinksSchema } from "../../shared/audit-sinks";
import { FIXTURE_SCRYPT_COST, hashAccessCodeSync } from "../session/local-accounts";
import { GENESIS_HASH, linkHash } from "../audit-chain/chain-link";
import type { Checkpoint } from "../audit-chain/checkpoints";
import { checkpointVerifies } from "../audit-chain/checkpoints";
import { testCertificate } from "../../testing/test-certificate";
import { startConsole, TEST_ACCESS_CODE } from "../../testing/test-harness";
import { mainProcess as startMainProcess, until } from "../../testing/main-process";
import type { ConsoleUnderTest } from "../../testing/test-harness";
import type { StreamRecord } from "./sink-store";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from "./webhook-sink";

/**
 * Issue 22, part 2: the audit stream to a real HTTPS receiver (its certificate trusted through
 * NODE_EXTRA_CA_CERTS), signed, in order, at least once, across a SIGKILL of the console.
 */

const SECRET = "webhook-secret-of-this-test-0123456789";
const METRICS_TOKEN = "metrics-token-of-the-stream-test-0123456789";
const FAIL = "/api/backchannel/authentication/fail";
const dir = mkdtempSync(join(tmpdir(), "cfc-stream-"));
const keys = generateKeyPairSync("ed25519");
const keyFile = join(dir, "signing.pem");
writeFileSync(keyFile, keys.privateKey.export({ type: "pkcs8", format: "pem" }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Batch {
  records: StreamRecord[];
  checkpoints: Checkpoint[];
}

/** A SIEM's HTTPS endpoint: checks each batch's signature and age, keeps what it was sent. */
async function receiver() {
  const batches: Batch[] = [];
  const refusedSignatures: string[] = [];
  const behaviour = { status: 200, delayMs: 0 };
  const { cert, key } = testCertificate(inject("tlsDir"));
  const server = createServer(
    { cert: readFileSync(cert), key: readFileSync(key) },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const timestamp = String(request.headers[TIMESTAMP_HEADER.toLowerCase()]);
        const given = Buffer.from(String(request.headers[SIGNATURE_HEADER.toLowerCase()]));
        const expected = Buffer.from(webhookSignature(SECRET, timestamp, body));
        const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
        if (given.length !== expected.length || !timingSafeEqual(given, expected) || !fresh) {
          refusedSignatures.push(timestamp);
          response.writeHead(401).end();
          return;
        }
        setTimeout(() => {
          if (behaviour.status === 200) batches.push(JSON.parse(body) as Batch);
          response.writeHead(behaviour.status).end();
        }, behaviour.delayMs);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const url = `https://localhost:${(server.address() as AddressInfo).port}/audit`;
  const seqs = () => new Set(batches.flatMap((batch) => batch.records.map((r) => r.chain_seq)));
  return { url, batches, refusedSignatures, behaviour, seqs };
}

const failBody = (i: number) => ({
  serviceId: "1000000001",
  backchannelAuthenticationFailRequest: { ticket: `stream-ticket-${i}`, reason: "SERVER_ERROR" },
  justification: `INC-${i}`,
});

describe("the audit stream to a webhook", { timeout: 60_000 }, () => {
  it("sends every chained record in order, signed, with checkpoints; a receiver verifies the chain from them alone", async () => {
    const siem = await receiver();
    const users = join(dir, "users.json");
    writeFileSync(
      users,
      JSON.stringify({
        users: [
          { name: "Ada", role: "supervisor", code: "ada-long-secret-code-1" },
          { name: "Bob", role: "operator", code: "bob-long-secret-code-3" },
        ].map(({ name, role, code }) => ({
          name,
          role,
          codeHash: hashAccessCodeSync(code, FIXTURE_SCRYPT_COST),
        })),
      }),
    );
    const running: ConsoleUnderTest = await startConsole({
      signedIn: false,
      env: {
        CONSOLE_USERS: users,
        AUDIT_WEBHOOK_URL: siem.url,
        AUDIT_WEBHOOK_SECRET: SECRET,
        AUDIT_STREAM_BATCH: "4",
        AUDIT_STREAM_INTERVAL_MS: "50",
        AUDIT_SIGNING_KEY_FILE: keyFile,
        AUDIT_CHECKPOINT_FILE: join(dir, "unused-checkpoints.jsonl"),
        AUDIT_CHECKPOINT_RECORDS: "5",
        METRICS_TOKEN: METRICS_TOKEN,
        AUDIT_STREAM_MAX_LAG_SECONDS: "1",
      },
    });
    cleanups.push(() => running.close());
    expect((await running.signInWith("Bob", "bob-long-secret-code-3")).status).toBe(200);
    expect((await running.get("/api/audit/sinks")).status).toBe(403);

    // The SIEM is down: actions go on, the sink is retried, a supervisor sees it.
    siem.behaviour.status = 503;
    for (let i = 0; i < 6; i++) expect((await running.post(FAIL, failBody(i))).status).toBe(200);
    expect((await running.signInWith("Ada", "ada-long-secret-code-1")).status).toBe(200);
    await until(
      10_000,
      async () => {
        const { sinks } = auditSinksSchema.parse((await running.get("/api/audit/sinks")).json);
        return sinks[0]?.state === "retrying" && sinks[0].recordsBehind > 0;
      },
      "the sink seen retrying",
    );
    const retrying = auditSinksSchema.parse((await running.get("/api/audit/sinks")).json).sinks[0]!;
    expect(retrying.name).toBe("webhook");
    expect(retrying.lastError).toMatch(/503/);
    expect(retrying.target).toBe(new URL(siem.url).origin);
    expect(JSON.stringify(retrying)).not.toContain(SECRET);
    expect(siem.batches).toHaveLength(0);
    // The lag and the failures, as Prometheus reads them.
    const metrics = (
      await running.request("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text;
    expect(metrics).toMatch(/^ciba_console_audit_sink_lag_records\{sink="webhook"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^ciba_console_audit_sink_failures_total\{sink="webhook"\} [1-9]\d*$/m);
    // Past AUDIT_STREAM_MAX_LAG_SECONDS (1 s here): the alarm, on /metrics and in the log.
    await until(
      10_000,
      async () =>
        /^ciba_console_audit_sink_lagging\{sink="webhook"\} 1$/m.test(
          (
            await running.request("/metrics", {
              headers: { authorization: `Bearer ${METRICS_TOKEN}` },
            })
          ).text,
        ),
      "the lag alarm on /metrics",
    );
    await until(
      10_000,
      () => running.logLines.some((line) => line.includes("behind more than AUDIT_STREAM_MAX_LAG")),
      "the lag alarm in the log",
    );

    siem.behaviour.status = 200;
    for (let i = 6; i < 14; i++) expect((await running.post(FAIL, failBody(i))).status).toBe(200);
    const head = await running.auditChain.sealDue();
    await until(15_000, () => siem.seqs().size === head.seq, `all ${head.seq} records`);
    await until(
      15_000,
      async () => {
        const { sinks } = auditSinksSchema.parse((await running.get("/api/audit/sinks")).json);
        return sinks[0]?.state === "delivering" && sinks[0].recordsBehind === 0;
      },
      "the sink seen delivering",
    );

    // In order: each batch goes on where the one before ended, and no signature was refused.
    const order = siem.batches.flatMap((batch) => batch.records.map((r) => r.chain_seq));
    expect(order).toEqual(order.toSorted((a, b) => a - b));
    expect(siem.refusedSignatures).toEqual([]);
    // The stream carries all a receiver needs to verify the chain without the console.
    let previous = GENESIS_HASH;
    for (const record of siem.batches.flatMap((batch) => batch.records)) {
      expect(linkHash(previous, record.chain_seq, record)).toBe(record.chain_hash);
      previous = record.chain_hash;
    }
    const checkpoints = siem.batches.flatMap((batch) => batch.checkpoints);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    for (const checkpoint of checkpoints) {
      expect(checkpointVerifies(keys.publicKey, checkpoint)).toBe(true);
      const covered = siem.batches
        .flatMap((batch) => batch.records)
        .find((record) => record.chain_seq === checkpoint.seq);
      expect(covered?.chain_hash).toBe(checkpoint.hash);
    }
  });

  it("loses nothing when the console is killed mid-stream (SIGKILL) and started again", async () => {
    const siem = await receiver();
    siem.behaviour.delayMs = 150; // slow enough that the kill lands mid-stream
    const databasePath = join(dir, "killed.db");
    const env = {
      AUDIT_DB: databasePath,
      CONSOLE_ACCESS_CODE: TEST_ACCESS_CODE,
      FAIL_RATE_LIMIT_PER_MINUTE: "1000",
      AUDIT_WEBHOOK_URL: siem.url,
      AUDIT_WEBHOOK_SECRET: SECRET,
      AUDIT_STREAM_BATCH: "3",
      AUDIT_STREAM_INTERVAL_MS: "50",
      NODE_EXTRA_CA_CERTS: testCertificate(inject("tlsDir")).cert,
    };
    const first = await mainProcess(env);
    const cookie = await signIn(first.url);
    for (let i = 0; i < 30; i++) {
      const answer = await fetch(`${first.url}${FAIL}`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify(failBody(100 + i)),
      });
      expect(answer.status).toBe(200);
    }
    await until(10_000, () => siem.seqs().size >= 6, "the stream under way");
    first.process.kill("SIGKILL");
    await first.exited;
    const atKill = siem.seqs().size;

    const second = await mainProcess(env);
    const chained = () => {
      const database = new Database(databasePath, { readonly: true });
      try {
        const row = database
          .prepare("select max(chain_seq) as head, count(*) as records from audit_events")
          .get() as {
          head: number;
          records: number;
        };
        return row;
      } finally {
        database.close();
      }
    };
    // The records the first console wrote are all in the chain once the second has sealed.
    await until(
      20_000,
      () => {
        const { head, records } = chained();
        return head === records && siem.seqs().size >= head;
      },
      "every record of the table received",
    );
    second.process.kill("SIGTERM");
    await second.exited;
    const { head, records } = chained();
    expect(atKill).toBeLessThan(head);
    const received = siem.seqs();
    const missing = Array.from({ length: records }, (_, i) => i + 1).filter(
      (seq) => !received.has(seq),
    );
    expect(missing).toEqual([]);
    expect(siem.refusedSignatures).toEqual([]);
  });
});

async function signIn(url: string): Promise<string> {
  const answer = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Test Operator", accessCode: TEST_ACCESS_CODE }),
  });
  expect(answer.status).toBe(200);
  return answer.headers.get("set-cookie")!.split(";")[0]!;
}

/** The real console (src/server/main.ts) as a child process; killed after the test if it runs. */
async function mainProcess(env: Record<string, string>) {
  const started = await startMainProcess(env);
  cleanups.push(async () => {
    if (started.process.exitCode === null && started.process.signalCode === null) {
      started.process.kill("SIGKILL");
      await started.exited;
    }
  });
  return started;
}
