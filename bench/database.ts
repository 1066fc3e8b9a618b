/**
 * npm run bench -- database: the console on SQLite and on PostgreSQL, side by side in one run.
 * - BFF overhead per fail call on each store (SQLite FULL, the default; SQLite NORMAL; and
 *   PostgreSQL with its default synchronous_commit=on, fsync on): p50 at concurrency 1, and
 *   errors in 10,000 calls at concurrency 64.
 * - Bulk rate on PostgreSQL (1,000 tickets, +50 ms per call, concurrency 8) against the ideal.
 * - Lease takeover: kill -9 of the replica running a job, until the other one holds it.
 * - 1,000,000 audit records on each store: every Audit log filter's first page (p50, p95 of 20)
 *   and a CSV export of all of them, with the BFF's peak RSS while it streams.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { startPostgresCluster } from "../scripts/postgres-cluster";
import type { PostgresCluster } from "../scripts/postgres-cluster";
import { FAIL_REASONS } from "../src/shared/reasons";
import { openDatabase } from "../src/server/db/database";
import { CHAINED_COLUMNS, GENESIS_HASH, linkHash } from "../src/server/audit-chain/chain-link";
import type { ChainedRow } from "../src/server/audit-chain/chain-link";
import {
  TOKEN,
  load,
  memoryOf,
  sequentialLatency,
  sleep,
  startBff,
  startSimulator,
  timeBulkJob,
  work,
} from "./tools";

const PORTS = { simulator: 9721, slowSimulator: 9722, bff: 9723, replicaA: 9724, replicaB: 9725 };
const KEY = Buffer.alloc(32, 5).toString("base64");
const FAIL = { ticket: "bench-ticket-0001", reason: "SERVER_ERROR" };
export const RECORDS = 1_000_000;

type Store = { name: string; env: Record<string, string> };

export async function stopBff(pid: number): Promise<void> {
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
      await sleep(50);
    } catch {
      return;
    }
  }
  process.kill(pid, "SIGKILL");
}

async function overheadOn(stores: Store[]) {
  const direct = await sequentialLatency(
    `http://127.0.0.1:${PORTS.simulator}/api/1000000001/backchannel/authentication/fail`,
    { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    JSON.stringify(FAIL),
    2000,
  );
  const rows = [];
  for (const store of stores) {
    const bff = await startBff(PORTS.bff, PORTS.simulator, store.env);
    const url = `http://127.0.0.1:${PORTS.bff}/api/backchannel/authentication/fail`;
    const headers = { cookie: bff.cookie, "content-type": "application/json" };
    // again: true: the same ticket every call, which without it is a 409 (asked first).
    const body = JSON.stringify({
      serviceId: "1000000001",
      backchannelAuthenticationFailRequest: FAIL,
      again: true,
    });
    await load(url, 8, headers, body, { seconds: 2 }); // warm-up
    const c1 = await sequentialLatency(url, headers, body, 2000);
    const c64 = await load(url, 64, headers, body, { amount: 10_000 });
    rows.push({
      store: store.name,
      "p50 ms": c1.p50Ms,
      "p99 ms": c1.p99Ms,
      "overhead p50 ms": Math.round((c1.p50Ms - direct.p50Ms) * 1000) / 1000,
      "c64 req/s": c64.requestsPerSecond,
      "c64 errors in 10k": c64.errors,
    });
    await stopBff(bff.pid);
  }
  return { directP50Ms: direct.p50Ms, rows };
}

async function bulkOn(store: Store) {
  const bff = await startBff(PORTS.bff, PORTS.slowSimulator, {
    ...store.env,
    BULK_CONCURRENCY: "8",
  });
  const result = await timeBulkJob(`http://127.0.0.1:${PORTS.bff}`, bff.cookie, "bulk-pg");
  await stopBff(bff.pid);
  return { store: store.name, ...result, shareOfIdealPercent: result.shareOfIdeal };
}

/** Two replicas on one PostgreSQL; the one running a job is killed; until the other holds it. */
async function takeover(databaseUrl: string) {
  const env = { DATABASE_URL: databaseUrl, TICKET_ENCRYPTION_KEY: KEY, BULK_CONCURRENCY: "4" };
  const a = await startBff(PORTS.replicaA, PORTS.slowSimulator, env);
  const b = await startBff(PORTS.replicaB, PORTS.slowSimulator, env);
  const tickets = Array.from({ length: 2000 }, (_, i) => ({ ticket: `takeover-${i}` }));
  const created = (await (
    await fetch(`http://127.0.0.1:${PORTS.replicaA}/api/bulk-jobs`, {
      method: "POST",
      headers: { cookie: a.cookie, "content-type": "application/json" },
      body: JSON.stringify({ serviceId: "1000000001", tickets, reason: "SERVER_ERROR" }),
    })
  ).json()) as { id: string };
  await sleep(2000);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const ownerOf = async () =>
    (
      await client.query<{ lease_owner: string | null }>(
        "SELECT lease_owner FROM bulk_jobs WHERE id = $1",
        [created.id],
      )
    ).rows[0]!.lease_owner;
  const before = await ownerOf();
  process.kill(a.pid, "SIGKILL");
  const killedAt = Date.now();
  let after = before;
  while (after === before && Date.now() - killedAt < 60_000) {
    await sleep(50);
    after = await ownerOf();
  }
  const seconds = (Date.now() - killedAt) / 1000;
  await client.end();
  await stopBff(b.pid);
  return { takenOver: after !== before && after !== null, secondsAfterKill: seconds };
}

/** The same 1,000,000 records in either store: a realistic mix, from formulas on i. */
let previousHash = GENESIS_HASH;
/** Record i as written, with its link (ids start at 1 in a new table) when `chained`. */
function storedRecordOf(i: number, chained: boolean) {
  const record = { ...recordOf(i), closes_at: recordOf(i).at };
  if (!chained) return record;
  if (i === 0) previousHash = GENESIS_HASH;
  const row = Object.fromEntries(
    CHAINED_COLUMNS.map((column) => [
      column,
      column === "id"
        ? i + 1
        : ((record as Record<string, string | number | null>)[column] ?? null),
    ]),
  ) as ChainedRow;
  previousHash = linkHash(previousHash, i + 1, row);
  return { ...record, chain_seq: i + 1, chain_hash: previousHash };
}

function recordOf(i: number) {
  const kind =
    i % 1000 === 0 ? "sign-out" : i % 100 === 1 ? "sign-in" : i % 50 === 2 ? "test-ticket" : "fail";
  const outcome =
    kind !== "fail"
      ? "succeeded"
      : i % 200 === 3
        ? "rate-limited"
        : i % 20 === 4
          ? "refused"
          : i % 97 === 5
            ? "transport-error"
            : "succeeded";
  const operator = i % 100_000 === 7 ? "Rare Auditor" : `Operator ${i % 40}`;
  return {
    at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    kind,
    outcome,
    operator,
    email: `${operator.toLowerCase().replace(" ", ".")}@example.com`,
    role: "operator",
    service_id: String(1000000001 + (i % 8)),
    target: "https://us.authlete.com",
    ticket_hash: createHash("sha256").update(`bench-ticket-${i}`).digest("hex"),
    ticket_tail: String(i).padStart(6, "0").slice(-6),
    reason: kind === "fail" ? FAIL_REASONS[i % 9]! : null,
    result_code: kind === "fail" ? "A185001" : null,
    action: kind === "fail" ? "INTERNAL_SERVER_ERROR" : null,
    upstream_status: 200,
    duration_ms: 40 + (i % 30),
    request_id: `req-${i}`,
    job_id: i % 1000 < 300 ? `job-${Math.floor(i / 10_000)}` : null,
  };
}

/**
 * 1,000,000 records, as the console would have written them. `chained`: already in the audit
 * chain, as a trail is once the console has sealed it (the filters' measurements); otherwise
 * closed but not yet sealed (the audit bench times the sealing).
 */
export async function fill(databaseUrl: string | undefined, sqlitePath: string, chained = true) {
  // The schema as the console makes it.
  const opened = await openDatabase({
    url: databaseUrl,
    path: sqlitePath,
    busyTimeoutMs: 5000,
    synchronous: "normal",
  });
  await opened.close();
  const started = Date.now();
  if (databaseUrl === undefined) {
    const db = new Database(sqlitePath);
    const columns = Object.keys(storedRecordOf(0, chained));
    const insert = db.prepare(
      `INSERT INTO audit_events (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
    );
    db.transaction(() => {
      for (let i = 0; i < RECORDS; i++) insert.run(storedRecordOf(i, chained));
    })();
    // What the console keeps beside its records (and migration 002 fills from older ones).
    db.exec(
      "INSERT OR IGNORE INTO audit_people SELECT DISTINCT operator, coalesce(email, '') FROM audit_events",
    );
    db.exec("ANALYZE");
    db.close();
  } else {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const columns = Object.keys(storedRecordOf(0, chained));
    for (let start = 0; start < RECORDS; start += 2000) {
      const rows = Array.from({ length: 2000 }, (_, k) => storedRecordOf(start + k, chained));
      const values: unknown[] = [];
      const tuples = rows.map((row) => {
        const slots = columns.map((column) => {
          values.push((row as Record<string, unknown>)[column]);
          return `$${values.length}`;
        });
        return `(${slots.join(",")})`;
      });
      await client.query(
        `INSERT INTO audit_events (${columns.join(",")}) VALUES ${tuples.join(",")}`,
        values,
      );
    }
    await client.query(
      "INSERT INTO audit_people SELECT DISTINCT operator, coalesce(email, '') FROM audit_events ON CONFLICT DO NOTHING",
    );
    await client.query("ANALYZE audit_events");
    await client.end();
  }
  return (Date.now() - started) / 1000;
}

const FILTERS: Record<string, string> = {
  "(none)": "",
  "kind=sign-in": "kind=sign-in",
  "kind=sign-out (rarest)": "kind=sign-out",
  "outcome=rate-limited": "outcome=rate-limited",
  "outcome=transport-error": "outcome=transport-error",
  "reason=ACCESS_DENIED": "reason=ACCESS_DENIED",
  serviceId: "serviceId=1000000005",
  "operator (common)": "operator=operator%207",
  "operator (rare)": "operator=rare",
  "operator (no match)": "operator=nobody-here",
  ticket: "ticket=bench-ticket-123456",
  "ticket tail": "ticket=123456",
  "bulk job": "jobId=job-42",
  "from (last day)": "from=2026-01-12T00:00",
  "to (first day)": "to=2026-01-02T00:00",
  "from+to (one hour)": "from=2026-01-05T10:00&to=2026-01-05T11:00",
  "kind+outcome+service": "kind=fail&outcome=refused&serviceId=1000000003",
  "sign-ins of one person": "kind=sign-in&operator=operator%2021",
  "kind+outcome (none match)": "kind=sign-in&outcome=refused",
};

async function auditAtScale(store: Store) {
  const bff = await startBff(PORTS.bff, PORTS.simulator, store.env);
  const headers = { cookie: bff.cookie };
  const base = `http://127.0.0.1:${PORTS.bff}/api/audit`;
  const rows = [];
  for (const [name, query] of Object.entries(FILTERS)) {
    const times: number[] = [];
    let found = 0;
    for (let run = 0; run < 21; run++) {
      const started = performance.now();
      const answer = await fetch(`${base}?${query}`, { headers });
      const page = (await answer.json()) as { events: unknown[] };
      if (run > 0) times.push(performance.now() - started); // the first warms the cache
      found = page.events.length;
    }
    times.sort((x, y) => x - y);
    rows.push({
      store: store.name,
      filter: name,
      found,
      "p50 ms": Math.round(times[10]! * 10) / 10,
      "p95 ms": Math.round(times[18]! * 10) / 10,
    });
  }
  // CSV exports, streamed, the BFF's RSS sampled while each runs: a tenth of the records, then
  // all of them. Constant memory means the same peak for both.
  const exportOf = async (records: string, query: string) => {
    const rssBefore = memoryOf(bff.pid).rssMiB;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(bff.pid).rssMiB);
    }, 100);
    const started = performance.now();
    const answer = await fetch(`${base}/export?format=csv${query}`, { headers });
    let bytes = 0;
    for await (const chunk of answer.body!) bytes += (chunk as Uint8Array).length;
    clearInterval(sampler);
    return {
      store: store.name,
      records,
      megabytes: Math.round(bytes / 1e5) / 10,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      rssBeforeMiB: rssBefore,
      rssPeakMiB: peak,
    };
  };
  const exports = [
    await exportOf("100,000", "&from=2026-01-11T13:46:40Z"),
    await exportOf("1,000,000", ""),
  ];
  await stopBff(bff.pid);
  return { rows, exports };
}

/** `npm run bench -- database-overhead`: the per-store overhead alone, in two alternating rounds. */
export async function databaseOverhead() {
  const cluster = await startPostgresCluster({ fsync: true });
  try {
    await startSimulator(PORTS.simulator);
    const stores = await storesOn(cluster);
    const rounds = [];
    for (let round = 0; round < 2; round++) rounds.push(await overheadOn(stores));
    for (const round of rounds) console.table(round.rows);
    return rounds;
  } finally {
    cluster.stop();
  }
}

async function storesOn(cluster: PostgresCluster): Promise<Store[]> {
  return [
    { name: "SQLite FULL (default)", env: { AUDIT_DB: join(work, "full.db") } },
    {
      name: "SQLite NORMAL",
      env: { AUDIT_DB: join(work, "normal.db"), AUDIT_DB_SYNCHRONOUS: "normal" },
    },
    {
      name: "PostgreSQL (synchronous_commit on)",
      env: {
        DATABASE_URL: await cluster.createDatabase(`overhead_${Date.now()}`),
        TICKET_ENCRYPTION_KEY: KEY,
      },
    },
  ];
}

/** The slowest p95 among single filters, or among combinations of two or three. */
function worst(
  results: { rows: { filter: string; "p95 ms": number }[] }[],
  combinations: boolean,
): number {
  const isCombination = (filter: string) => filter.includes("+") || filter.includes("one person");
  return Math.max(
    ...results.flatMap((result) =>
      result.rows
        .filter((row) => isCombination(row.filter) === combinations)
        .map((row) => row["p95 ms"]),
    ),
  );
}

export async function databaseBench() {
  const cluster: PostgresCluster = await startPostgresCluster({ fsync: true });
  try {
    await startSimulator(PORTS.simulator);
    await startSimulator(PORTS.slowSimulator, 50);
    const stores = await storesOn(cluster);
    console.log("Database: fail call overhead per store");
    const overhead = await overheadOn(stores);
    console.table(overhead.rows);
    const bulk = await bulkOn(stores[2]!);
    console.log("Database: bulk on PostgreSQL");
    console.table([bulk]);
    const lease = await takeover(await cluster.createDatabase("takeover"));
    console.log("Database: lease takeover after kill -9");
    console.table([lease]);

    const sqlitePath = join(work, "million.db");
    const postgresUrl = await cluster.createDatabase("million");
    const fillSeconds = {
      sqlite: await fill(undefined, sqlitePath),
      postgres: await fill(postgresUrl, ""),
    };
    console.log(`Filled ${RECORDS} records: ${JSON.stringify(fillSeconds)} s`);
    const atScale = [
      await auditAtScale({ name: "SQLite", env: { AUDIT_DB: sqlitePath } }),
      await auditAtScale({
        name: "PostgreSQL",
        env: { DATABASE_URL: postgresUrl, TICKET_ENCRYPTION_KEY: KEY },
      }),
    ];
    console.log("Database: Audit log filters over 1,000,000 records (first page, 20 runs)");
    console.table(atScale.flatMap((result) => result.rows));
    console.log("Database: CSV export of all records");
    console.table(atScale.flatMap((result) => result.exports));
    const sqliteFull = overhead.rows[0]!["overhead p50 ms"];
    const postgres = overhead.rows[2]!["overhead p50 ms"];
    return {
      overhead,
      postgresToSqliteAtEqualDurability: Math.round((postgres / sqliteFull) * 100) / 100,
      bulk,
      lease,
      fillSeconds,
      auditFilters: atScale.flatMap((result) => result.rows),
      export: atScale.flatMap((result) => result.exports),
      worstFilterP95Ms: worst(atScale, false),
      worstCombinationP95Ms: worst(atScale, true),
    };
  } finally {
    cluster.stop();
  }
}
