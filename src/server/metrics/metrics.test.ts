import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { getMetricsFromIterator } from "prom2javascript";
import type { PromMetrics } from "prom2javascript";
import { afterAll, describe, expect, it } from "vitest";
import { listen } from "../http/listen";
import { startConsole } from "../../testing/test-harness";
import { untilJobEnded } from "../../testing/bulk-jobs";

/**
 * Issue 22, part 3: GET /metrics, scraped over HTTP and read with a Prometheus text parser;
 * the counters move with the actions, the gauges read the shared state.
 */

const TOKEN = "metrics-token-of-this-test-0123456789abcdef";
const FAIL = "/api/backchannel/authentication/fail";
const dir = mkdtempSync(join(tmpdir(), "cfc-metrics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Prometheus' text format, read by a parser of its own (prom2javascript). It does not read NaN,
 * which the format allows (an event-loop mean before any sample): those lines are left out.
 */
const parsed = (text: string) =>
  getMetricsFromIterator(
    text
      .split("\n")
      .filter((line) => !/ NaN$/i.test(line))
      [Symbol.iterator](),
  );

/** One sample's value (a histogram's count), by name and labels; 0 before the series appears. */
function sampleOf(families: PromMetrics, name: string, labels: Record<string, string> = {}) {
  const samples: { labels: Record<string, string>; value?: number; count?: number }[] =
    families[name]?.data ?? [];
  const sample = samples.find((candidate) =>
    Object.entries(labels).every(([key, value]) => candidate.labels[key] === value),
  );
  return sample?.count ?? sample?.value ?? 0;
}

const failBody = (ticket: string, reason = "ACCESS_DENIED") => ({
  serviceId: "1000000001",
  backchannelAuthenticationFailRequest: { ticket, reason },
  justification: "INC-1",
});

describe("metrics", () => {
  it("are refused without the token and count actions, Authlete calls, 429s, refusals and audit write failures", async () => {
    const databasePath = join(dir, "token.db");
    const running = await startConsole({ databasePath, env: { METRICS_TOKEN: TOKEN } });
    const scrape = async () => {
      const answer = await running.request("/metrics", {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsed(answer.text);
    };
    try {
      expect((await running.request("/metrics", { headers: { cookie: "" } })).status).toBe(401);
      const wrong = await running.request("/metrics", {
        headers: { authorization: `Bearer ${TOKEN.replace("0", "1")}` },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);

      const before = await scrape();
      expect((await running.post(FAIL, failBody("metrics-1"))).status).toBe(200);
      expect((await running.post(FAIL, failBody("metrics-2", "SERVER_ERROR"))).status).toBe(200);
      running.simulator.setFaults([{ kind: "status", status: 429, retryAfterSeconds: 1 }]);
      expect((await running.post(FAIL, failBody("metrics-3"))).status).toBe(502);
      running.simulator.setFaults([]);
      const refused = await running.request("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: "" },
        body: JSON.stringify({ name: "Mallory", accessCode: "not-the-code-at-all" }),
      });
      expect(refused.status).toBe(401);
      const job = await running.post("/api/bulk-jobs", {
        serviceId: "1000000001",
        tickets: [{ ticket: "metrics-bulk-1" }, { ticket: "metrics-bulk-2" }],
        reason: "UNKNOWN_USER_ID",
        justification: "INC-2",
      });
      expect(job.status).toBe(201);
      const jobId = (job.json as { id: string }).id;
      await untilJobEnded(running, jobId);

      const after = await scrape();
      const moved = (name: string, labels: Record<string, string> = {}) =>
        sampleOf(after, name, labels) - sampleOf(before, name, labels);
      expect(
        moved("ciba_console_actions_total", {
          kind: "fail",
          reason: "ACCESS_DENIED",
          outcome: "succeeded",
        }),
      ).toBe(1);
      expect(
        moved("ciba_console_actions_total", {
          kind: "fail",
          reason: "SERVER_ERROR",
          outcome: "succeeded",
        }),
      ).toBe(1);
      expect(
        moved("ciba_console_actions_total", {
          kind: "fail",
          reason: "ACCESS_DENIED",
          outcome: "refused",
        }),
      ).toBe(1);
      expect(
        moved("ciba_console_authlete_call_duration_seconds", { operation: "fail", status: "200" }),
      ).toBeGreaterThanOrEqual(2);
      expect(moved("ciba_console_authlete_rate_limited_total", { operation: "fail" })).toBe(1);
      expect(moved("ciba_console_sign_in_refusals_total", { outcome: "refused" })).toBe(1);
      expect(sampleOf(after, "ciba_console_bulk_jobs", { status: "finished" })).toBe(1);
      expect(
        moved("ciba_console_actions_total", {
          kind: "fail",
          reason: "UNKNOWN_USER_ID",
          outcome: "succeeded",
        }),
      ).toBe(2);
      // No label carries a ticket, a name or a service.
      const text = (
        await running.request("/metrics", {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).text;
      for (const unbounded of ["metrics-1", "Mallory", "1000000001", jobId]) {
        expect(text).not.toContain(unbounded);
      }

      // Records can no longer be written: the next action is refused with 503, and counted.
      const external = new Database(databasePath);
      external.exec(
        "CREATE TRIGGER no_more_records BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END",
      );
      external.close();
      expect((await running.post(FAIL, failBody("metrics-4"))).status).toBe(503);
      expect(
        sampleOf(await scrape(), "ciba_console_audit_write_failures_total") -
          sampleOf(after, "ciba_console_audit_write_failures_total"),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await running.close();
    }
  });

  it("are not served at all by default", async () => {
    const running = await startConsole({});
    try {
      const answer = await running.get("/metrics");
      expect(answer.status).not.toBe(200);
      expect(answer.text).not.toContain("ciba_console_");
    } finally {
      await running.close();
    }
  });

  it("METRICS_PORT serves them on their own listener, whatever the Host, and nothing else", async () => {
    const running = await startConsole({
      signedIn: false,
      env: { METRICS_PORT: "9464", PUBLIC_URL: "https://console.example" },
    });
    const server = await listen(running.metricsApp!.fetch, "127.0.0.1", 0);
    try {
      const answer = await fetch(`${server.url}/metrics`, {
        headers: { host: "10.0.0.7:9464" },
      });
      expect(answer.status).toBe(200);
      const families = await parsed(await answer.text());
      expect(Object.keys(families)).toEqual(
        expect.arrayContaining([
          "ciba_console_actions_total",
          "ciba_console_authlete_call_duration_seconds",
          "ciba_console_bulk_jobs",
          "ciba_console_approvals",
          "process_cpu_seconds_total",
        ]),
      );
      expect((await fetch(`${server.url}/api/config`)).status).toBe(404);
      // The console's own port still has no /metrics without METRICS_TOKEN.
      expect((await running.get("/metrics")).text).not.toContain("ciba_console_");
    } finally {
      await server.close();
      await running.close();
    }
  });
});
