/**
 * npm run bench -- end: a bulk job of 1,000 issued requests ended with TRANSACTION_FAILED, and
 * the same job failed with /fail, side by side (concurrency 8, Authlete answering after 50 ms,
 * the median of 3 alternating runs each), on SQLite and on PostgreSQL, against the ideal
 * (concurrency ÷ Authlete's latency = 160 tickets/s). A measurement: nothing passes or fails.
 */
import { join } from "node:path";
import { startPostgresCluster } from "../scripts/postgres-cluster";
import { SEED_CLIENTS } from "../src/simulator/seed";
import { TOKEN, runBulkJob, sleep, startBff, startSimulator, work } from "./tools";

const PORTS = { simulator: 9731, bff: 9732 };
const SIMULATOR = `http://127.0.0.1:${PORTS.simulator}`;
const KEY = Buffer.alloc(32, 5).toString("base64");
const TICKETS = 1000;
const CONCURRENCY = 8;
const LATENCY_MS = 50;
const IDEAL = CONCURRENCY / (LATENCY_MS / 1000);
const authlete = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const POLL = SEED_CLIENTS.find((client) => client.clientId === "3000000001")!;

async function setDelay(ms: number) {
  await fetch(`${SIMULATOR}/_simulator/faults`, {
    method: "PUT",
    headers: authlete,
    body: JSON.stringify(ms > 0 ? [{ kind: "delay", ms, fraction: 1 }] : []),
  });
}

/** Issued requests made as an AS makes them (/backchannel/authentication, then /issue), fast. */
async function issuedRequests(n: number): Promise<string[]> {
  await setDelay(0);
  const tickets: string[] = [];
  const one = async () => {
    const made = (await (
      await fetch(`${SIMULATOR}/api/1000000001/backchannel/authentication`, {
        method: "POST",
        headers: authlete,
        body: JSON.stringify({
          parameters: "scope=openid&login_hint=bench",
          clientId: POLL.clientId,
          clientSecret: POLL.clientSecret,
        }),
      })
    ).json()) as { ticket: string };
    await fetch(`${SIMULATOR}/api/1000000001/backchannel/authentication/issue`, {
      method: "POST",
      headers: authlete,
      body: JSON.stringify({ ticket: made.ticket }),
    });
    tickets.push(made.ticket);
  };
  for (let start = 0; start < n; start += 16) {
    await Promise.all(Array.from({ length: Math.min(16, n - start) }, one));
  }
  await setDelay(LATENCY_MS);
  return tickets;
}

async function timeJob(bff: { cookie: string }, action: "end" | "fail") {
  const tickets = await issuedRequests(TICKETS);
  const { seconds, job } = await runBulkJob(`http://127.0.0.1:${PORTS.bff}`, bff.cookie, {
    serviceId: "1000000001",
    action,
    reason: action === "end" ? "TRANSACTION_FAILED" : "SERVER_ERROR",
    tickets: tickets.map((ticket) => ({ ticket })),
  });
  return { seconds, succeeded: job.counts.succeeded ?? 0 };
}

/**
 * Authlete's own rate at this concurrency, measured: 1,000 /fail calls straight to the simulator
 * from this process, 8 at a time. Its latency is 50 ms plus HTTP and timers: the console cannot
 * beat it, so the console's rate is also given as a share of it.
 */
async function directRate(): Promise<number> {
  await setDelay(LATENCY_MS);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TICKETS) {
        next++;
        await (
          await fetch(`${SIMULATOR}/api/1000000001/backchannel/authentication/fail`, {
            method: "POST",
            headers: authlete,
            body: JSON.stringify({ ticket: `direct-${next}`, reason: "SERVER_ERROR" }),
          })
        ).text();
      }
    }),
  );
  return TICKETS / ((performance.now() - started) / 1000);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function endJobsBench() {
  const cluster = await startPostgresCluster({ fsync: true });
  const rows = [];
  let direct = 0;
  try {
    await startSimulator(PORTS.simulator);
    const directRuns = [await directRate(), await directRate(), await directRate()];
    direct = median(directRuns);
    const stores: { name: string; env: Record<string, string> }[] = [
      { name: "SQLite (default)", env: { AUDIT_DB: join(work, `end-${Date.now()}.db`) } },
      {
        name: "PostgreSQL",
        env: {
          DATABASE_URL: await cluster.createDatabase(`end_${Date.now()}`),
          TICKET_ENCRYPTION_KEY: KEY,
        },
      },
    ];
    for (const store of stores) {
      const bff = await startBff(PORTS.bff, PORTS.simulator, {
        ...store.env,
        BULK_CONCURRENCY: String(CONCURRENCY),
        BULK_TICKETS_PER_HOUR: "1000000",
        BULK_MAX_OPEN_JOBS: "100",
      });
      const runs: Record<"end" | "fail", number[]> = { end: [], fail: [] };
      const succeeded: Record<"end" | "fail", number[]> = { end: [], fail: [] };
      for (let round = 0; round < 3; round++) {
        for (const action of round % 2 === 0
          ? (["end", "fail"] as const)
          : (["fail", "end"] as const)) {
          const run = await timeJob(bff, action);
          runs[action].push(run.seconds);
          succeeded[action].push(run.succeeded);
        }
      }
      process.kill(bff.pid, "SIGTERM");
      await sleep(1000);
      for (const action of ["end", "fail"] as const) {
        const seconds = median(runs[action]);
        rows.push({
          store: store.name,
          job: action === "end" ? "end (/complete TRANSACTION_FAILED)" : "fail (/fail)",
          "runs (s)": runs[action].map((value) => value.toFixed(2)).join(" / "),
          "median (s)": seconds,
          succeeded: succeeded[action].join("/"),
          "tickets/s": Math.round((TICKETS / seconds) * 10) / 10,
          "share of ideal %": Math.round((TICKETS / seconds / IDEAL) * 1000) / 10,
          "share of direct %": Math.round((TICKETS / seconds / direct) * 1000) / 10,
        });
      }
    }
  } finally {
    cluster.stop();
  }
  console.log(
    `Bulk jobs of ${TICKETS} issued requests, concurrency ${CONCURRENCY}, Authlete +${LATENCY_MS} ms (ideal ${IDEAL}/s), median of 3:`,
  );
  console.table(rows);
  console.log(
    `Straight to the simulator, ${CONCURRENCY} at a time (no console): ${direct.toFixed(1)}/s = ${((direct / IDEAL) * 100).toFixed(1)} % of the ideal.`,
  );
  return { ideal: IDEAL, directPerSecond: Math.round(direct * 10) / 10, rows };
}
