/**
 * Issue 20, item 7: each bulk ticket keeps the line it was pasted on, and the job says until
 * when its errors can be retried. On SQLite and PostgreSQL, over HTTP.
 */
import { afterEach, describe, expect, it } from "vitest";
import { bulkItemsPageSchema, bulkJobSchema } from "../../shared/bulk-job";
import { DIALECTS, createPostgresDatabase } from "../../testing/test-databases";
import { untilJobEnded } from "../../testing/bulk-jobs";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

const consoles: ConsoleUnderTest[] = [];
afterEach(async () => {
  for (const running of consoles.splice(0).reverse()) await running.close();
});

describe.each(DIALECTS)("pasted lines on %s", (dialect) => {
  it("stores each ticket's pasted line and answers it with the items; null when not sent", async () => {
    const databaseUrl = dialect === "postgres" ? await createPostgresDatabase() : undefined;
    const running = await startConsole({ databaseUrl });
    consoles.push(running);
    const started = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      reason: "SERVER_ERROR",
      tickets: [
        { ticket: "pasted-on-three", line: 3 },
        { ticket: "pasted-on-seven", line: 7 },
        { ticket: "no-line-given" },
      ],
    });
    expect(started.status).toBe(201);
    const job = bulkJobSchema.parse(started.json);
    await untilJobEnded(running, job.id);
    const items = bulkItemsPageSchema.parse(
      (await running.get(`/api/bulk-jobs/${job.id}/items`)).json,
    );
    expect(items.items.map((item) => [item.seq, item.line])).toEqual([
      [1, 3],
      [2, 7],
      [3, null],
    ]);
  });

  it("says until when the errors can be retried: the end plus BULK_RETRY_WINDOW_SECONDS", async () => {
    const databaseUrl = dialect === "postgres" ? await createPostgresDatabase() : undefined;
    const down = [
      {
        kind: "status" as const,
        status: 503 as const,
        fraction: 1,
        path: "/backchannel/authentication/fail",
      },
    ];
    const running = await startConsole({
      databaseUrl,
      env: { BULK_RETRY_WINDOW_SECONDS: "600", BULK_RETRY_ATTEMPTS: "1" },
      simulator: { faults: down },
    });
    consoles.push(running);
    const started = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      reason: "SERVER_ERROR",
      tickets: [{ ticket: "will-error", line: 1 }],
    });
    const ended = await untilJobEnded(running, bulkJobSchema.parse(started.json).id);
    expect(ended.counts.failed).toBe(1);
    expect(ended.canRetry).toBe(true);
    const until = Date.parse(ended.retryUntil!) - Date.parse(ended.finishedAt!);
    expect(until).toBe(600_000);
  });
});
