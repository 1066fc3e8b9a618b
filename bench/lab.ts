/**
 * npm run bench -- lab: full QA lab runs (13 outcomes × poll, ping, push = 39 cells) against
 * the console's embedded simulator, with the protocol's short settings (polling interval 1 s,
 * requested expiry 2 s) and Authlete answering after 20 ms, as a nearby cluster would. Each
 * run's duration (from POST /api/lab/runs to the run read back as finished) is set side by side
 * with its critical path, measured in the same run: the longest cell's protocol waits plus the
 * simulator's answer times along that cell. The overhead is the rest: the console's own work
 * and 48 cells sharing one process. A measurement: nothing passes or fails.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LabRun } from "../src/shared/lab";
import { BUILT_IN_SEED_FILE } from "../src/simulator/seed";
import { CODE, sleep, startProcess, waitFor, work } from "./tools";

const PORT = 9741;
const BFF = `http://127.0.0.1:${PORT}`;
const RUNS = 5;
const LATENCY_MS = 20;

async function startConsole(): Promise<{ pid: number; cookie: string }> {
  const seed = join(work, "lab-seed.json");
  writeFileSync(
    seed,
    JSON.stringify({
      ...BUILT_IN_SEED_FILE,
      services: BUILT_IN_SEED_FILE.services.map((service) =>
        service.apiKey === 1000000001 ? { ...service, backchannelPollingInterval: 1 } : service,
      ),
    }),
  );
  const child = startProcess("node", ["dist/server/main.js"], {
    PORT: String(PORT),
    AUTHLETE_ACCESS_TOKEN: "",
    SIMULATOR_SEED: seed,
    SIMULATOR_FAULTS: JSON.stringify([{ kind: "delay", ms: LATENCY_MS }]),
    LAB_REQUESTED_EXPIRY_SECONDS: "2",
    LAB_RUNS_PER_HOUR: "1000",
    CONSOLE_ACCESS_CODE: CODE,
    AUDIT_DB: join(work, `lab-${Date.now()}.db`),
    LOG_LEVEL: "warn",
  });
  await waitFor(`${BFF}/healthz`);
  const signIn = await fetch(`${BFF}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Lab Bench", accessCode: CODE }),
  });
  return { pid: child.pid!, cookie: signIn.headers.get("set-cookie")!.split(";")[0]! };
}

/** One run, timed from its POST until it is read back finished (asked every 10 ms). */
async function timedRun(cookie: string) {
  const headers = { cookie, "content-type": "application/json" };
  const started = performance.now();
  const answer = await fetch(`${BFF}/api/lab/runs`, {
    method: "POST",
    headers,
    body: JSON.stringify({ serviceId: "1000000001" }),
  });
  const { id } = (await answer.json()) as { id: string };
  for (;;) {
    const run = (await (await fetch(`${BFF}/api/lab/runs/${id}`, { headers })).json()) as LabRun;
    if (run.state !== "running") {
      const durationMs = performance.now() - started;
      const longest = run.cells.reduce((a, b) =>
        b.waitedMs + b.callsMs > a.waitedMs + a.callsMs ? b : a,
      );
      const criticalMs = longest.waitedMs + longest.callsMs;
      return {
        durationMs: Math.round(durationMs),
        criticalPathMs: criticalMs,
        longestCell: `${longest.outcome}/${longest.mode}`,
        waitsMs: longest.waitedMs,
        answersMs: longest.callsMs,
        overheadPercent: Math.round((durationMs / criticalMs - 1) * 1000) / 10,
        passed: run.summary.pass,
        cells: run.cells.length,
      };
    }
    await sleep(10);
  }
}

export async function labBench() {
  const bff = await startConsole();
  try {
    await timedRun(bff.cookie); // warm-up: JIT, the database's first writes
    const rows = [];
    for (let i = 0; i < RUNS; i++) rows.push(await timedRun(bff.cookie));
    console.table(rows);
    const sorted = [...rows].sort((a, b) => a.overheadPercent - b.overheadPercent);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `Median of ${RUNS}: a run took ${median.durationMs} ms against a critical path of ${median.criticalPathMs} ms (${median.longestCell}): overhead ${median.overheadPercent} %.`,
    );
    return { runs: rows, median };
  } finally {
    process.kill(bff.pid, "SIGTERM");
  }
}
