/**
 * `npm run bench -- trust`: the timing and memory figures of issue 11, measured, never asserted.
 * - event-loop blocking while a 10,000-ticket job is cancelled, seen as /healthz latency;
 * - RSS after seven cancelled 10,000-ticket jobs;
 * - /healthz while eight strangers send 4 MiB bodies of 358k keys;
 * - the sign-in throttle: 40 parallel wrong codes, and the delays of sequential ones.
 * Each figure has its baseline from the same run (/healthz at rest, RSS before the jobs).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { join } from "node:path";
import { parseSettings } from "../src/server/config";
import { startConsole } from "../src/server/console";
import { listen } from "../src/server/http/listen";
import { CODE, memoryOf, settled, sleep, startBff, startSimulator, work } from "./tools";

const PORTS = { simulator: 9721, bff: 9722, throttleBff: 9723, inProcessBff: 9724 };

/** Starts a 10,000-ticket job and lets it run half a second; its id. */
async function runningJob(url: string, headers: Record<string, string>, tag: string) {
  const tickets = Array.from({ length: 10_000 }, (_, i) => ({ ticket: `${tag}-${i}` }));
  const created = await fetch(`${url}/api/bulk-jobs`, {
    method: "POST",
    headers,
    body: JSON.stringify({ serviceId: "1000000001", tickets, reason: "SERVER_ERROR" }),
  });
  const { id } = (await created.json()) as { id: string };
  await sleep(500);
  return id;
}

/**
 * The event loop itself while 10,000-ticket jobs are cancelled: the console runs in this
 * process (nothing else does), and Node's delay histogram (1 ms resolution) gives the longest
 * time the loop could not run. A job of 10,000 is started, left to run 0.5 s, then cancelled.
 */
async function cancelLoopDelay() {
  const settings = parseSettings({
    CONSOLE_ACCESS_CODE: CODE,
    AUTHLETE_ACCESS_TOKEN: "simulator-access-token",
    AUTHLETE_BASE_URL: `http://127.0.0.1:${PORTS.simulator}`,
    AUDIT_DB: join(work, "trust-in-process.db"),
    BULK_TICKETS_PER_HOUR: "1000000",
    FAIL_RATE_LIMIT_PER_MINUTE: "1000000",
    LOG_LEVEL: "silent",
  });
  const built = await startConsole(settings, { clientDir: null });
  const server = await listen(built.app.fetch, "127.0.0.1", PORTS.inProcessBff);
  const url = server.url;
  const signIn = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Bench", accessCode: CODE }),
  });
  const headers = {
    cookie: signIn.headers.get("set-cookie")!.split(";")[0]!,
    "content-type": "application/json",
  };
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await sleep(1000);
  idle.disable();
  const runs = [];
  for (let job = 0; job < 5; job++) {
    const id = await runningJob(url, headers, `loop-${job}`);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = performance.now();
    await fetch(`${url}/api/bulk-jobs/${id}/cancel`, { method: "POST", headers });
    const tookMs = Math.round(performance.now() - started);
    delay.disable();
    runs.push({ cancelMs: tookMs, maxLoopDelayMs: Math.round(delay.max / 1e5) / 10 });
  }
  await server.close();
  await built.close();
  return { idleMaxLoopDelayMs: Math.round(idle.max / 1e5) / 10, cancels: runs };
}

/** /healthz asked back to back while `during` runs: the slowest answer, and how many. */
async function healthzWhile(url: string, during: () => Promise<unknown>) {
  let slowest = 0;
  let asked = 0;
  let done = false;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      await fetch(`${url}/healthz`);
      slowest = Math.max(slowest, performance.now() - started);
      asked++;
      await sleep(2);
    }
  })();
  const started = performance.now();
  await during();
  const tookMs = performance.now() - started;
  done = true;
  await probe;
  return {
    slowestHealthzMs: Math.round(slowest * 10) / 10,
    probes: asked,
    tookMs: Math.round(tookMs),
  };
}

async function cancelledJobs(url: string, cookie: string, pid: number) {
  const headers = { cookie, "content-type": "application/json" };
  const atRest = await healthzWhile(url, () => sleep(1000));
  const before = await settled(pid);
  const cancels = [];
  for (let job = 0; job < 7; job++) {
    const id = await runningJob(url, headers, `bench-cancel-${job}`);
    cancels.push(
      await healthzWhile(url, () =>
        fetch(`${url}/api/bulk-jobs/${id}/cancel`, { method: "POST", headers }),
      ),
    );
  }
  const after = await settled(pid);
  return {
    healthzAtRest: atRest,
    cancels,
    worstSlowestHealthzMs: Math.max(...cancels.map((cancel) => cancel.slowestHealthzMs)),
    rssBeforeMiB: before.rssMiB,
    rssAfterSevenCancelledMiB: after.rssMiB,
  };
}

async function hostileBodies(url: string) {
  // 358k keys in 4 MiB, as the review sent them, from people with no session.
  const keys = Array.from({ length: 358_000 }, (_, i) => `"k${i.toString(36)}":1`).join(",");
  const body = `{${keys}}`.slice(0, 4 * 1024 * 1024 - 1);
  const atRest = await healthzWhile(url, () => sleep(1000));
  const during = await healthzWhile(url, () =>
    Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${url}/api/bulk-jobs`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }).then((answer) => answer.status),
      ),
    ),
  );
  return { bodyBytes: body.length, healthzAtRest: atRest, healthzDuringEightBodies: during };
}

async function throttle(url: string) {
  const attempt = () =>
    fetch(`${url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Mallory", accessCode: "wrong-code-000000" }),
    }).then((answer) => answer.status);
  const started = performance.now();
  const statuses = await Promise.all(Array.from({ length: 40 }, attempt));
  const parallelMs = Math.round(performance.now() - started);
  const count = (status: number) => statuses.filter((s) => s === status).length;
  await sleep(9000); // the slowest admitted attempt (8 s) has ended
  const sequential = [];
  for (let i = 0; i < 3; i++) {
    const at = performance.now();
    const status = await attempt();
    sequential.push({ status, ms: Math.round(performance.now() - at) });
  }
  return {
    parallel: {
      attempts: 40,
      answered401: count(401),
      answered429: count(429),
      allAnsweredMs: parallelMs,
    },
    sequentialAfterThat: sequential,
  };
}

export async function trustBench() {
  await startSimulator(PORTS.simulator, 200);
  const bff = await startBff(PORTS.bff, PORTS.simulator, {
    BULK_TICKETS_PER_HOUR: "1000000",
    BULK_CONCURRENCY: "4",
  });
  const url = `http://127.0.0.1:${PORTS.bff}`;
  const loop = await cancelLoopDelay();
  const cancel = await cancelledJobs(url, bff.cookie, bff.pid);
  const hostile = await hostileBodies(url);
  const rssAtEnd = memoryOf(bff.pid).rssMiB;
  await startBff(PORTS.throttleBff, PORTS.simulator, { SIGN_IN_LOCKOUT_AFTER: "1000" });
  const signIn = await throttle(`http://127.0.0.1:${PORTS.throttleBff}`);
  return { loop, cancel, hostile, rssAtEndMiB: rssAtEnd, signIn };
}
