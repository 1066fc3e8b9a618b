/**
 * npm run bench -- audit: what issue 22's three parts cost, each side by side with it off.
 * - A fail call's p50 (concurrency 1, SQLite FULL) on the console as it was before issue 22
 *   (a build of commit BEFORE, made here from git history), on today's (the chain always on),
 *   with the webhook stream, and with metrics scraped every second. Rounds alternate.
 * - Bulk efficiency (1,000 tickets, +50 ms per call, concurrency 8) before and today, on
 *   SQLite and PostgreSQL, with the stream on today.
 * - Sealing and `audit:verify` over 1,000,000 records (SQLite), with the verifier's peak RSS.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { startPostgresCluster } from "../scripts/postgres-cluster";
import { openDatabase } from "../src/server/db/database";
import { clockFrom } from "../src/server/db/clock";
import { createLogger } from "../src/server/logger";
import { createChainSealer } from "../src/server/audit-chain/chain-sealer";
import { testCertificate } from "../src/testing/test-certificate";
import { RECORDS, fill, stopBff } from "./database";
import {
  ROOT,
  sequentialLatency,
  sleep,
  startBff,
  startSimulator,
  timeBulkJob,
  work,
} from "./tools";

/** The last commit before issue 22 (the audit chain landed in the next one). */
const BEFORE = "78a2bf8";
const PORTS = { simulator: 9731, slowSimulator: 9732, bff: 9733 };
const FAIL = JSON.stringify({
  serviceId: "1000000001",
  backchannelAuthenticationFailRequest: { ticket: "bench-ticket-0001", reason: "SERVER_ERROR" },
  // The same ticket every call, which without it is a 409 (asked first, nothing sent).
  again: true,
});
const CALLS_PER_ROUND = 1000;
const ROUNDS = 5;
const BULK_ROUNDS = 3;

/** The console of commit BEFORE, built beside this one (its server only); undefined without git history. */
function buildBefore(): string | undefined {
  const dir = join(work, "before-issue-22");
  try {
    execFileSync("git", ["worktree", "add", "--detach", dir, BEFORE], {
      cwd: ROOT,
      stdio: "ignore",
    });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    execFileSync(
      "npx",
      ["vite", "build", "--ssr", "src/server/main.ts", "--outDir", "dist/server", "--emptyOutDir"],
      { cwd: dir, stdio: "ignore" },
    );
    return join(dir, "dist/server/main.js");
  } catch (error) {
    console.warn(
      `The build of ${BEFORE} could not be made (${(error as Error).message}); compared with nothing.`,
    );
    return undefined;
  }
}

function removeBefore() {
  try {
    execFileSync("git", ["worktree", "remove", "--force", join(work, "before-issue-22")], {
      cwd: ROOT,
      stdio: "ignore",
    });
  } catch {
    // Nothing to remove.
  }
}

/** A SIEM's HTTPS endpoint that takes every batch at once. */
async function webhookReceiver() {
  const { cert, key } = testCertificate(join(work, "tls"));
  let records = 0;
  const server = createServer(
    { cert: readFileSync(cert), key: readFileSync(key) },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        records += (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { records: unknown[] })
          .records.length;
        response.writeHead(204).end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    env: {
      AUDIT_WEBHOOK_URL: `https://localhost:${(server.address() as AddressInfo).port}/audit`,
      AUDIT_WEBHOOK_SECRET: "bench-webhook-secret-0123456789abcdef",
      NODE_EXTRA_CA_CERTS: cert,
    },
    received: () => records,
    close: () => server.close(),
  };
}

interface Variant {
  name: string;
  script?: string;
  env: Record<string, string>;
  /** Runs beside the calls (a Prometheus scraping every second). */
  beside?: (url: string) => () => void;
}

const METRICS_TOKEN = "bench-metrics-token-0123456789abcdef";
const scrapeEverySecond = (url: string) => {
  const timer = setInterval(() => {
    void fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      .then((answer) => answer.text())
      .catch(() => undefined);
  }, 1000);
  return () => clearInterval(timer);
};

async function failLatency(variants: Variant[]) {
  const p50s = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Each round in another order, so that no variant always runs first or last.
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const variant of order) {
      const bff = await startBff(
        PORTS.bff,
        PORTS.simulator,
        { AUDIT_DB: join(work, `audit-${variant.name.replace(/\W+/g, "-")}.db`), ...variant.env },
        variant.script,
      );
      const url = `http://127.0.0.1:${PORTS.bff}`;
      const stopBeside = variant.beside?.(url);
      const headers = { cookie: bff.cookie, "content-type": "application/json" };
      const target = `${url}/api/backchannel/authentication/fail`;
      await sequentialLatency(target, headers, FAIL, 200); // warm-up
      const { p50Ms } = await sequentialLatency(target, headers, FAIL, CALLS_PER_ROUND);
      stopBeside?.();
      p50s.get(variant.name)!.push(p50Ms);
      await stopBff(bff.pid);
    }
  }
  const median = (values: number[]) =>
    values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const baseline = median(p50s.get(variants[0]!.name)!);
  return variants.map((variant) => {
    const p50 = median(p50s.get(variant.name)!);
    return {
      variant: variant.name,
      "fail p50 ms (median of rounds)": p50,
      "p50 of each round": p50s.get(variant.name)!.join(" / "),
      [`× ${variants[0]!.name}`]: Math.round((p50 / baseline) * 100) / 100,
    };
  });
}

/** Each run on a database of its own: an earlier build refuses one a later build migrated. */
async function bulkEfficiency(
  variants: Variant[],
  stores: { name: string; env: () => Promise<Record<string, string>> }[],
) {
  const shares = new Map<string, number[]>();
  for (let round = 0; round < BULK_ROUNDS; round++) {
    for (const store of stores) {
      // Alternating, so that neither build always runs first.
      const order = round % 2 === 0 ? variants : variants.toReversed();
      for (const variant of order) {
        const bff = await startBff(
          PORTS.bff,
          PORTS.slowSimulator,
          { ...(await store.env()), ...variant.env, BULK_CONCURRENCY: "8" },
          variant.script,
        );
        const result = await timeBulkJob(
          `http://127.0.0.1:${PORTS.bff}`,
          bff.cookie,
          `bulk-${round}`,
        );
        const key = `${store.name}\t${variant.name}`;
        shares.set(key, [...(shares.get(key) ?? []), result.shareOfIdeal]);
        await stopBff(bff.pid);
      }
    }
  }
  return [...shares].map(([key, values]) => {
    const [store, variant] = key.split("\t");
    return {
      store,
      variant,
      "share of ideal % (median)": values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)],
      "each round": values.join(" / "),
    };
  });
}

/** Seals 1,000,000 records, then runs `npm run audit:verify` over them, sampling its RSS. */
async function verifyAtScale() {
  const path = join(work, "million-chain.db");
  const fillSeconds = await fill(undefined, path, false);
  const opened = await openDatabase({ path, busyTimeoutMs: 5000, synchronous: "normal" });
  const sealer = createChainSealer(
    { db: opened.db, dialect: opened.dialect, clock: clockFrom(), logger: createLogger("silent") },
    { intervalMs: 60_000 },
  );
  let started = performance.now();
  const head = await sealer.sealDue();
  const sealSeconds = (performance.now() - started) / 1000;
  await opened.close();

  started = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/tools/audit-verify.ts", "--json"],
    {
      cwd: ROOT,
      env: { ...process.env, AUDIT_DB: path },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  let peakKiB = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // Exited between two samples.
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(sampler);
  const verifySeconds = (performance.now() - started) / 1000;
  const report = JSON.parse(out) as { ok: boolean; verified: number };
  return {
    records: RECORDS,
    "fill s": Math.round(fillSeconds * 10) / 10,
    "seal s": Math.round(sealSeconds * 10) / 10,
    "sealed per s": Math.round(head.seq / sealSeconds),
    "audit:verify s": Math.round(verifySeconds * 10) / 10,
    verified: report.verified,
    "exit code": code,
    "verify peak RSS MiB": Math.round((peakKiB / 1024) * 10) / 10,
  };
}

export type AuditBenchPart = "latency" | "bulk" | "verify";

export async function auditTrailBench(parts: AuditBenchPart[] = ["latency", "bulk", "verify"]) {
  const cluster = await startPostgresCluster({ fsync: true });
  const siem = await webhookReceiver();
  const before = buildBefore();
  try {
    await startSimulator(PORTS.simulator);
    await startSimulator(PORTS.slowSimulator, 50);
    const keyFile = join(work, "audit-signing.pem");
    writeFileSync(
      keyFile,
      generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }),
    );
    const today: Variant = {
      name: "chain (today)",
      env: { AUDIT_CHECKPOINT_FILE: join(work, "cp.jsonl") },
    };
    const stream: Variant = {
      name: "chain + webhook stream",
      env: { ...siem.env, AUDIT_SIGNING_KEY_FILE: keyFile },
    };
    const metrics: Variant = {
      name: "chain + metrics (scraped 1/s)",
      env: { METRICS_TOKEN },
      beside: scrapeEverySecond,
    };
    const variants = [
      ...(before ? [{ name: `before issue 22 (${BEFORE})`, script: before, env: {} }] : []),
      today,
      stream,
      metrics,
    ];
    let latency;
    if (parts.includes("latency")) {
      console.log("Audit trail: a fail call's p50 (SQLite FULL, concurrency 1)");
      latency = await failLatency(variants);
      console.table(latency);
      console.log(`The webhook received ${siem.received()} records.`);
    }

    let runs = 0;
    const stores = [
      {
        name: "SQLite",
        env: () => Promise.resolve({ AUDIT_DB: join(work, `bulk-${(runs += 1)}.db`) }),
      },
      {
        name: "PostgreSQL",
        env: async () => ({
          DATABASE_URL: await cluster.createDatabase(`bulk_${(runs += 1)}`),
          TICKET_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
        }),
      },
    ];
    let bulk;
    if (parts.includes("bulk")) {
      console.log("Audit trail: bulk efficiency (1,000 tickets, +50 ms per call, concurrency 8)");
      bulk = await bulkEfficiency([...(before ? [variants[0]!] : []), stream], stores);
      console.table(bulk);
    }
    let scale;
    if (parts.includes("verify")) {
      console.log("Audit trail: sealing and audit:verify over 1,000,000 records (SQLite)");
      scale = await verifyAtScale();
      console.table([scale]);
    }
    return { latency, bulk, scale, webhookRecords: siem.received() };
  } finally {
    siem.close();
    cluster.stop();
    removeBefore();
    await sleep(0);
  }
}
