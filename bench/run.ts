/**
 * npm run bench: measures the console against baselines, prints a table and writes
 * bench/results.json. It starts everything it needs on loopback and stops it afterwards.
 * A measurement, not a test: nothing here passes or fails; the README compares with targets.
 */
import { initialAssets } from "../scripts/initial-assets";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import react from "@vitejs/plugin-react";
import { chromium } from "@playwright/test";
import { build } from "vite";
import { databaseBench, databaseOverhead } from "./database";
import { trustBench } from "./trust";
import { endJobsBench } from "./end-jobs";
import { labBench } from "./lab";
import { auditTrailBench } from "./audit-trail";
import type { AuditBenchPart } from "./audit-trail";
import {
  CODE,
  ROOT,
  TOKEN,
  children,
  load,
  settled,
  startBff,
  startProcess,
  startSimulator,
  timeBulkJob,
  waitFor,
  work,
} from "./tools";
import type { LoadResult } from "./tools";

const PORTS = {
  simulator: 9711,
  proxy: 9712,
  bff: 9713,
  slowSimulator: 9714,
  bulkBff: 9715,
  baselinePage: 9716,
  bareBaselinePage: 9717,
};
const FAIL_BODY = JSON.stringify({ ticket: "bench-ticket-0001", reason: "SERVER_ERROR" });
async function overhead() {
  await startSimulator(PORTS.simulator);
  startProcess(
    "node",
    [
      "--import",
      "tsx",
      "bench/proxy.ts",
      String(PORTS.proxy),
      `http://127.0.0.1:${PORTS.simulator}`,
    ],
    {},
  );
  await waitFor(`http://127.0.0.1:${PORTS.proxy}/`);
  const bff = await startBff(PORTS.bff, PORTS.simulator);
  const authlete = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  const targets = {
    direct: () =>
      [
        `http://127.0.0.1:${PORTS.simulator}/api/1000000001/backchannel/authentication/fail`,
        authlete,
        FAIL_BODY,
      ] as const,
    proxy: () =>
      [
        `http://127.0.0.1:${PORTS.proxy}/api/1000000001/backchannel/authentication/fail`,
        authlete,
        FAIL_BODY,
      ] as const,
    bff: () =>
      [
        `http://127.0.0.1:${PORTS.bff}/api/backchannel/authentication/fail`,
        { cookie: bff.cookie, "content-type": "application/json" },
        JSON.stringify({
          serviceId: "1000000001",
          backchannelAuthenticationFailRequest: JSON.parse(FAIL_BODY) as unknown,
          // The same ticket every call, which without it is a 409 (asked first).
          again: true,
        }),
      ] as const,
  };
  const rows: Record<string, Record<string, LoadResult>> = {};
  for (const [name, target] of Object.entries(targets)) {
    const [url, headers, body] = target();
    await load(url, 8, headers, body, { seconds: 2 }); // warm-up: JIT, pools, SQLite pages
    rows[name] = {};
    for (const connections of [1, 16, 64]) {
      rows[name][`c${connections}`] = await load(url, connections, headers, body, { seconds: 5 });
    }
    // The error count the target names: 10,000 requests at concurrency 64.
    rows[name].c64x10k = await load(url, 64, headers, body, { amount: 10_000 });
  }
  return { rows, bffPid: bff.pid, bffCookie: bff.cookie };
}

async function bulk() {
  await startSimulator(PORTS.slowSimulator, 50);
  const bff = await startBff(PORTS.bulkBff, PORTS.slowSimulator, { BULK_CONCURRENCY: "8" });
  return timeBulkJob(`http://127.0.0.1:${PORTS.bulkBff}`, bff.cookie, "bulk-bench");
}

/**
 * Runs in the page before its scripts: records performance.now() at the first animation frame
 * after a DOM change after which a "Fail ticket" button is enabled and, on the console, the Ticket
 * field accepts typing: the form is there and drawn.
 * A string, so that the bench's TypeScript loader adds nothing to it.
 */
const MARK_WHEN_FORM_IS_USABLE = `
  const usable = () => {
    const button = [...document.querySelectorAll("button")].find(
      (candidate) => candidate.textContent.trim() === "Fail ticket" && !candidate.disabled,
    );
    if (!button) return undefined;
    // The console's Ticket field renders with its button; the baseline page has none.
    const ticket = button.form && button.form.querySelector("[name$='.ticket']");
    return !ticket || (!ticket.disabled && !ticket.readOnly) ? button : undefined;
  };
  // Usable once laid out: the next animation frame, which waits for render-blocking styles.
  // And once on screen: the button's text painted (Element Timing), which also waits for a
  // script running at the time.
  const observer = new MutationObserver(() => {
    const button = usable();
    if (!button) return;
    observer.disconnect();
    requestAnimationFrame(() => (window.formUsableAt = performance.now()));
    button.setAttribute("elementtiming", "fail-ticket");
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier === "fail-ticket") {
        window.formPaintedAt = entry.renderTime || entry.startTime;
      }
    }
  }).observe({ type: "element", buffered: true });
`;

/** The headers the console puts on its page for everyone: all but those of the answer itself. */
async function pageSecurityHeaders(consoleUrl: string): Promise<Record<string, string>> {
  const answer = await fetch(`${consoleUrl}/`);
  const own = ["content-type", "content-length", "date", "connection", "keep-alive"];
  const more = ["cache-control", "x-request-id", "etag", "last-modified", "transfer-encoding"];
  return Object.fromEntries(
    [...answer.headers].filter(([name]) => !own.includes(name) && !more.includes(name)),
  );
}

async function page(consoleUrl: string) {
  const baselineDir = join(work, "baseline");
  await build({
    root: join(ROOT, "bench/baseline"),
    plugins: [react()],
    logLevel: "silent",
    build: { outDir: baselineDir, emptyOutDir: true },
  });
  const console_ = initialAssets(join(ROOT, "dist/client"));
  const baseline = initialAssets(baselineDir);

  // The baseline page, served as the console serves its own: static files over loopback, with
  // the console's own security headers. Cross-Origin-Opener-Policy alone moves a new tab's
  // page into a new browser process (about 120 ms here): a cost of the headers, not of the page.
  // Also served bare, as this bench did before issue 20's first frame, for comparison.
  const securityHeaders = await pageSecurityHeaders(consoleUrl);
  const serveBaseline = (headers: Record<string, string>) =>
    createServer((request, response) => {
      const path = request.url === "/" ? "index.html" : (request.url ?? "").replace(/^\//, "");
      const file = join(baselineDir, path);
      if (!file.startsWith(baselineDir) || !existsSync(file))
        return void response.writeHead(404).end();
      const type = file.endsWith(".js")
        ? "text/javascript"
        : file.endsWith(".css")
          ? "text/css"
          : "text/html";
      response.writeHead(200, { ...headers, "content-type": type }).end(readFileSync(file));
    });
  const baselineServer = serveBaseline(securityHeaders);
  const bareBaselineServer = serveBaseline({});
  await new Promise<void>((resolve) =>
    baselineServer.listen(PORTS.baselinePage, "127.0.0.1", resolve),
  );
  await new Promise<void>((resolve) =>
    bareBaselineServer.listen(PORTS.bareBaselinePage, "127.0.0.1", resolve),
  );

  const executablePath =
    process.env.CHROMIUM_PATH ??
    (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: ["--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  /** Cold (new context, empty cache): ms from navigation start until the button is there. */
  async function timeUntilButton(url: string, signIn: boolean) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    if (signIn) {
      await tab.request.post(`${consoleUrl}/api/session`, {
        data: { name: "Bench", accessCode: CODE },
      });
    }
    // The page itself notes when the form becomes usable: a Playwright wait polls at widening
    // intervals (up to 500 ms apart), so the moment it returns says more about its polling
    // than about the page.
    await tab.addInitScript({ content: MARK_WHEN_FORM_IS_USABLE });
    await tab.goto(url);
    const usableAt = await tab.waitForFunction(
      () => (window as { formUsableAt?: number }).formUsableAt,
    );
    const ms = (await usableAt.jsonValue())!;
    // Chromium now and then reports no paint of the text at all: such a run counts for the
    // other figures only (paintedSamples says how many had one).
    const paintedAt = await tab
      .waitForFunction(() => (window as { formPaintedAt?: number }).formPaintedAt, undefined, {
        timeout: 5000,
      })
      .catch(() => undefined);
    const paintedMs = paintedAt ? (await paintedAt.jsonValue())! : Number.NaN;
    // The console draws its form in the HTML (decision 023); its app then takes that form over.
    // Reported beside the form's time, so that neither hides the other.
    const takeover = signIn
      ? await tab.waitForFunction(
          () =>
            (window as { earlyInput?: { tookOverAt?: number } }).earlyInput?.tookOverAt ?? false,
        )
      : undefined;
    const tookOverMs = takeover ? ((await takeover.jsonValue()) as number) : 0;
    await context.close();
    return { ms, paintedMs, tookOverMs };
  }
  // Side by side, alternating, so that both see the same machine.
  const consoleTimes: number[] = [];
  const consolePaints: number[] = [];
  const takeoverTimes: number[] = [];
  const baselineTimes: number[] = [];
  const baselinePaints: number[] = [];
  const bareTimes: number[] = [];
  const barePaints: number[] = [];
  for (let i = 0; i < 10; i++) {
    const console_ = await timeUntilButton(`${consoleUrl}/`, true);
    consoleTimes.push(console_.ms);
    consolePaints.push(console_.paintedMs);
    takeoverTimes.push(console_.tookOverMs);
    const baseline_ = await timeUntilButton(`http://127.0.0.1:${PORTS.baselinePage}/`, false);
    baselineTimes.push(baseline_.ms);
    baselinePaints.push(baseline_.paintedMs);
    const bare = await timeUntilButton(`http://127.0.0.1:${PORTS.bareBaselinePage}/`, false);
    bareTimes.push(bare.ms);
    barePaints.push(bare.paintedMs);
  }
  await browser.close();
  baselineServer.close();
  bareBaselineServer.close();
  const median = (all: number[]) => {
    const sorted = all.filter((time) => !Number.isNaN(time)).sort((a, b) => a - b);
    const middle = (sorted.length - 1) / 2;
    return Math.round((sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2);
  };
  const samples = (all: number[]) => all.filter((time) => !Number.isNaN(time)).length;
  const interactiveMsMedian = median(consoleTimes);
  const baselineMsMedian = median(baselineTimes);
  return {
    console: console_,
    baseline,
    jsRatio: Math.round((console_.js.gzip / baseline.js.gzip) * 100) / 100,
    interactiveMsMedian,
    interactiveMsAll: consoleTimes.map(Math.round),
    baselineMsMedian,
    baselineMsAll: baselineTimes.map(Math.round),
    interactiveRatio: Math.round((interactiveMsMedian / baselineMsMedian) * 100) / 100,
    paintedMsMedian: median(consolePaints),
    paintedMsAll: consolePaints.map(Math.round),
    baselinePaintedMsMedian: median(baselinePaints),
    baselinePaintedMsAll: baselinePaints.map(Math.round),
    paintedRatio: Math.round((median(consolePaints) / median(baselinePaints)) * 100) / 100,
    paintedSamples: {
      console: samples(consolePaints),
      baseline: samples(baselinePaints),
      bareBaseline: samples(barePaints),
    },
    appTookOverMsMedian: median(takeoverTimes),
    appTookOverMsAll: takeoverTimes.map(Math.round),
    appTookOverRatio: Math.round((median(takeoverTimes) / baselineMsMedian) * 100) / 100,
    /** The baseline without the console's headers: what this bench compared with before. */
    bareBaseline: {
      msMedian: median(bareTimes),
      paintedMsMedian: median(barePaints),
      interactiveRatio: Math.round((interactiveMsMedian / median(bareTimes)) * 100) / 100,
      paintedRatio: Math.round((median(consolePaints) / median(barePaints)) * 100) / 100,
    },
  };
}

async function endurance(pid: number, cookie: string) {
  const url = `http://127.0.0.1:${PORTS.bff}/api/backchannel/authentication/fail`;
  const headers = { cookie, "content-type": "application/json" };
  const body = JSON.stringify({
    serviceId: "1000000001",
    backchannelAuthenticationFailRequest: JSON.parse(FAIL_BODY) as unknown,
    again: true,
  });
  const before = await settled(pid);
  const samples: { requests: number; rssMiB: number; fds: number }[] = [];
  let errors = 0;
  for (let done = 0; done < 50_000; done += 10_000) {
    const run = await load(url, 16, headers, body, { amount: 10_000 });
    errors += run.errors;
    samples.push({ requests: done + 10_000, ...(await settled(pid)) });
  }
  const after10k = samples[0]!;
  const after50k = samples.at(-1)!;
  return {
    before,
    samples,
    errors,
    rssGrowthFrom10kTo50kPercent:
      Math.round(((after50k.rssMiB - after10k.rssMiB) / after10k.rssMiB) * 1000) / 10,
    fdsBackToStart: after50k.fds === before.fds,
  };
}

async function main() {
  if (!existsSync(join(ROOT, "dist/server/main.js"))) throw new Error("Run npm run build first.");
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? "?" };
  console.log(`Benchmark on ${machine.cpus} × ${machine.cpu}, Node ${machine.node}\n`);

  const only = process.argv.slice(2);
  const want = (part: string) => only.length === 0 || only.includes(part);
  if (only.length === 1 && only[0] === "database-overhead") {
    await databaseOverhead();
    return;
  }
  if (only.length === 1 && only[0] === "database") {
    // `npm run bench -- database`: SQLite and PostgreSQL side by side (a few minutes).
    const result = await databaseBench();
    console.log(JSON.stringify({ ...result, auditFilters: undefined }, null, 2));
    writeFileSync(
      join(ROOT, "bench/results-database.json"),
      `${JSON.stringify({ at: new Date().toISOString(), machine, ...result }, null, 2)}\n`,
    );
    return;
  }
  if (only.length === 1 && only[0] === "end") {
    // `npm run bench -- end`: issue 17's bulk end and fail jobs side by side (a few minutes).
    const result = await endJobsBench();
    writeFileSync(
      join(ROOT, "bench/results-end.json"),
      `${JSON.stringify({ at: new Date().toISOString(), machine, ...result }, null, 2)}
`,
    );
    return;
  }
  if (only.length === 1 && only[0] === "lab") {
    // `npm run bench -- lab`: issue 18's QA lab runs against their critical path (a minute).
    const result = await labBench();
    writeFileSync(
      join(ROOT, "bench/results-lab.json"),
      `${JSON.stringify({ at: new Date().toISOString(), machine, ...result }, null, 2)}\n`,
    );
    return;
  }
  if (only.length === 1 && only[0] === "trust") {
    // `npm run bench -- trust`: issue 11's timings and memory (about two minutes).
    const result = await trustBench();
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(
      join(ROOT, "bench/results-trust.json"),
      `${JSON.stringify({ at: new Date().toISOString(), machine, ...result }, null, 2)}\n`,
    );
    return;
  }
  if (only[0] === "audit") {
    // `npm run bench -- audit`: issue 22's costs, each part beside it off (a few minutes).
    // `npm run bench -- audit latency bulk`: only those parts (verify seals 1M records: minutes).
    const parts = only.slice(1) as AuditBenchPart[];
    const result = await auditTrailBench(parts.length > 0 ? parts : undefined);
    writeFileSync(
      join(ROOT, `bench/results-audit${parts.length > 0 ? `-${parts.join("-")}` : ""}.json`),
      `${JSON.stringify({ at: new Date().toISOString(), machine, ...result }, null, 2)}\n`,
    );
    return;
  }
  if (only.length === 1 && only[0] === "page") {
    // `npm run bench -- page`: only the page (sizes and time to interactive), a minute.
    await startSimulator(PORTS.simulator);
    await startBff(PORTS.bff, PORTS.simulator);
    const result = await page(`http://127.0.0.1:${PORTS.bff}`);
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const over = await overhead();
  if (!want("endurance")) {
    console.table(
      Object.entries(over.rows).flatMap(([target, runs]) =>
        Object.entries(runs).map(([c, r]) => ({ target, c, ...r })),
      ),
    );
    return;
  }
  const table = Object.entries(over.rows).flatMap(([target, runs]) =>
    Object.entries(runs).map(([c, r]) => ({
      target,
      concurrency: c.slice(1),
      "req/s": r.requestsPerSecond,
      "p50 ms": r.p50Ms,
      "p99 ms": r.p99Ms,
      requests: r.requests,
      errors: r.errors,
    })),
  );
  console.log("BFF overhead: POST fail, against the simulator");
  console.table(table);
  const endured = await endurance(over.bffPid, over.bffCookie);
  console.log("Endurance: 50,000 fail calls through the BFF at concurrency 16");
  console.table([
    { at: "start", requests: 0, ...endured.before },
    ...endured.samples.map((s) => ({ at: "after", ...s })),
  ]);
  const bulkResult = await bulk();
  console.log("Bulk: 1,000 tickets, simulator +50 ms per call, concurrency 8");
  console.table([bulkResult]);
  const pageResult = await page(`http://127.0.0.1:${PORTS.bff}`);
  console.log("Page: initial assets (gzip) and time until the form is interactive");
  console.table([
    {
      page: "console",
      "JS gzip": pageResult.console.js.gzip,
      "CSS gzip": pageResult.console.css.gzip,
      "JS raw": pageResult.console.js.raw,
    },
    {
      page: "baseline",
      "JS gzip": pageResult.baseline.js.gzip,
      "CSS gzip": pageResult.baseline.css.gzip,
      "JS raw": pageResult.baseline.js.raw,
    },
  ]);
  console.log(
    `Initial JS: ${pageResult.jsRatio} × the baseline; form interactive after ${pageResult.interactiveMsMedian} ms, baseline button after ${pageResult.baselineMsMedian} ms (medians of 10, alternating): ${pageResult.interactiveRatio} ×; painted after ${pageResult.paintedMsMedian} ms against ${pageResult.baselinePaintedMsMedian} ms: ${pageResult.paintedRatio} ×; the app took the form over after ${pageResult.appTookOverMsMedian} ms (${pageResult.appTookOverRatio} ×)`,
  );

  // SQLite and PostgreSQL side by side (also alone: npm run bench -- database).
  const databaseResult = await databaseBench();

  const c1 = over.rows;
  const targets = {
    bffP50OverDirectAtC1Ms: Math.round((c1.bff!.c1!.p50Ms - c1.direct!.c1!.p50Ms) * 1000) / 1000,
    bffThroughputShareOfProxyAtC64:
      Math.round((c1.bff!.c64!.requestsPerSecond / c1.proxy!.c64!.requestsPerSecond) * 1000) / 10,
    bffErrorsIn10kAtC64: c1.bff!.c64x10k!.errors,
    rssGrowthFrom10kTo50kPercent: endured.rssGrowthFrom10kTo50kPercent,
    fdsBackToStart: endured.fdsBackToStart,
    initialJsRatio: pageResult.jsRatio,
    interactiveRatioToBaseline: pageResult.interactiveRatio,
    bulkShareOfIdealPercent: bulkResult.shareOfIdeal,
    postgresToSqliteAtEqualDurability: databaseResult.postgresToSqliteAtEqualDurability,
    postgresBulkShareOfIdealPercent: databaseResult.bulk.shareOfIdealPercent,
    leaseTakeoverSeconds: databaseResult.lease.secondsAfterKill,
    worstAuditFilterP95MsAt1M: databaseResult.worstFilterP95Ms,
  };
  console.log("\nAgainst the targets (README, Performance):");
  console.table([targets]);
  const results = {
    at: new Date().toISOString(),
    machine,
    overhead: over.rows,
    endurance: endured,
    bulk: bulkResult,
    page: pageResult,
    database: databaseResult,
    targets,
  };
  writeFileSync(join(ROOT, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log("Written to bench/results.json");
}

try {
  await main();
} finally {
  for (const child of children) child.kill();
  rmSync(work, { recursive: true, force: true });
}
