/**
 * What the bench's parts share: processes it starts (and stops at the end), load runs,
 * sequential latency and memory readings.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request as httpRequest } from "node:http";
import autocannon from "autocannon";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const TOKEN = "simulator-access-token";
export const CODE = "bench-access-code-0123";
export const work = mkdtempSync(join(tmpdir(), "ciba-bench-"));
export const children: ChildProcess[] = [];

export function startProcess(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

export async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

export function startSimulator(port: number, delayMs = 0) {
  startProcess("node", ["--import", "tsx", "src/simulator/main.ts"], {
    SIMULATOR_PORT: String(port),
    SIMULATOR_DELAY_MS: String(delayMs),
  });
  return waitFor(`http://127.0.0.1:${port}/`);
}

export async function startBff(
  port: number,
  upstreamPort: number,
  extra: Record<string, string> = {},
  /** Another build of the console (an earlier commit's, to compare with). */
  script = "dist/server/main.js",
) {
  const child = startProcess("node", [script], {
    PORT: String(port),
    AUTHLETE_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
    AUTHLETE_ACCESS_TOKEN: TOKEN,
    CONSOLE_ACCESS_CODE: CODE,
    AUDIT_DB: join(work, `audit-${port}.db`),
    FAIL_RATE_LIMIT_PER_MINUTE: "1000000",
    LOG_LEVEL: "info",
    ...extra,
  });
  await waitFor(`http://127.0.0.1:${port}/healthz`);
  const signIn = await fetch(`http://127.0.0.1:${port}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Bench", accessCode: CODE }),
  });
  const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
  return { pid: child.pid!, cookie };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
}

/**
 * Throughput from a fixed-length run (autocannon ends runs of a fixed request count only on its
 * next one-second tick, which would round every rate down); errors from a count of requests.
 */
export async function load(
  url: string,
  connections: number,
  headers: Record<string, string>,
  body: string,
  options: { seconds?: number; amount?: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    headers,
    body,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
  });
  const timing =
    connections === 1
      ? await sequentialLatency(url, headers, body, 2000)
      : { p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
  return {
    requestsPerSecond: Math.round(result.requests.total / (options.seconds ?? result.duration)),
    ...timing,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * One request at a time over one kept-alive connection, timed with hrtime: autocannon rounds
 * latencies to whole milliseconds, too coarse to see a sub-millisecond difference.
 */
export async function sequentialLatency(
  url: string,
  headers: Record<string, string>,
  body: string,
  count: number,
): Promise<{ p50Ms: number; p99Ms: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers,
          agent,
        },
        (res) => {
          res.resume();
          // A latency of refusals (a 409, a 429) is not a fail call's: stop rather than report it.
          if ((res.statusCode ?? 0) >= 300) {
            reject(new Error(`${url} answered ${res.statusCode}: not what is measured`));
            return;
          }
          res.on("end", () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await once());
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.floor(q * (times.length - 1))]! * 1000) / 1000;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

export function memoryOf(pid: number): { rssMiB: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return {
    rssMiB: Math.round((rssKiB / 1024) * 10) / 10,
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The process at rest: 7 s idle (kept-alive sockets close after about 5 s), RSS sampled every
 * 500 ms and the lowest kept. A single RSS reading swings by tens of MiB with V8's garbage
 * collection; the floor after idling is what a leak would raise.
 */
export async function settled(pid: number): Promise<{ rssMiB: number; fds: number }> {
  let rssMiB = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 14; i++) {
    await sleep(500);
    rssMiB = Math.min(rssMiB, memoryOf(pid).rssMiB);
  }
  return { rssMiB, fds: memoryOf(pid).fds };
}

/**
 * 1,000 tickets through a BFF's bulk job against a simulator answering in 50 ms, at
 * concurrency 8 (the BFF's BULK_CONCURRENCY): the rate, and its share of 8 / 0.05 s.
 */
/** Starts a bulk job and waits for its end: how long it ran, by the job's own times. */
export async function runBulkJob(bffUrl: string, cookie: string, body: object) {
  const base = `${bffUrl}/api/bulk-jobs`;
  const headers = { cookie, "content-type": "application/json" };
  const created = (await (
    await fetch(base, { method: "POST", headers, body: JSON.stringify(body) })
  ).json()) as { id: string };
  let job: {
    status: string;
    createdAt: string;
    finishedAt: string | null;
    counts: Record<string, number>;
  };
  do {
    await sleep(100);
    job = (await (await fetch(`${base}/${created.id}`, { headers })).json()) as typeof job;
  } while (job.status === "running");
  return { seconds: (Date.parse(job.finishedAt!) - Date.parse(job.createdAt)) / 1000, job };
}

export async function timeBulkJob(bffUrl: string, cookie: string, prefix: string) {
  const tickets = Array.from({ length: 1000 }, (_, i) => ({
    ticket: `${prefix}-${String(i).padStart(4, "0")}`,
  }));
  const { seconds, job } = await runBulkJob(bffUrl, cookie, {
    serviceId: "1000000001",
    tickets,
    reason: "SERVER_ERROR",
  });
  const ideal = 8 / 0.05;
  return {
    tickets: 1000,
    succeeded: job.counts.succeeded,
    seconds,
    ticketsPerSecond: Math.round((1000 / seconds) * 10) / 10,
    idealPerSecond: ideal,
    shareOfIdeal: Math.round((1000 / seconds / ideal) * 1000) / 10,
  };
}
