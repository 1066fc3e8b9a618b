/**
 * After a lease was lost (the replica was paused past it), the old owner's late answers must not
 * rewrite what the new owner resolved (issue 19, item 19), on SQLite and PostgreSQL.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SqlAuditTrail } from "../actions/audit-trail";
import type { ConsoleDatabase } from "../db/database";
import { DIALECTS, openTestDatabase, storeOf } from "../../testing/test-databases";
import { sqlBulkJobStore } from "./bulk-job-store";

const opened: ConsoleDatabase[] = [];
afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
});

describe.each(DIALECTS)("writes after a lost lease on %s", (dialect) => {
  it("keeps items and records another replica resolved", async () => {
    const database = await openTestDatabase(dialect);
    opened.push(database);
    const store = storeOf(database);
    const jobs = sqlBulkJobStore(store);
    const audit = new SqlAuditTrail(store);
    await jobs.create({
      id: "job-1",
      operator: "Ada",
      email: null,
      role: "operator",
      serviceId: "1000000001",
      serviceName: null,
      concurrency: 1,
      action: "fail",
      deliverNotifications: false,
      reason: "SERVER_ERROR",
      errorDescription: null,
      errorUri: null,
      justification: null,
      ownerKey: "person:account:ada",
      lease: { owner: "replica-1", until: Date.now() + 10_000 },
      requestId: null,
      callerRequestId: null,
      clientAddress: null,
      items: [1, 2].map((seq) => ({
        seq,
        line: null,
        ticketHash: `h${seq}`,
        ticketTail: `t${seq}`,
        reason: "SERVER_ERROR",
        sealed: null,
      })),
    });
    const record = await audit.begin({
      kind: "fail",
      operator: "Ada",
      jobId: "job-1",
      ticket: "ticket-1",
      reason: "SERVER_ERROR",
    });
    // Replica 2 takes the job over and resolves ticket 1 and its record as interrupted.
    await database.db
      .updateTable("bulk_jobs")
      .set({ lease_owner: "replica-2" })
      .where("id", "=", "job-1")
      .execute();
    await jobs.updateItems(
      [{ jobId: "job-1", seq: 1, update: { state: "interrupted" } }],
      "replica-2",
    );
    await audit.completeMany([
      { id: record, completion: { outcome: "interrupted", detail: "takeover" } },
    ]);

    // Replica 1's call times out late: neither its item write nor its completion lands.
    await jobs.updateItems([{ jobId: "job-1", seq: 1, update: { state: "failed" } }], "replica-1");
    await audit.complete(record, { outcome: "transport-error", detail: "timed out" });

    const [item] = await jobs.items("job-1", undefined, 0, 1);
    expect(item!.state).toBe("interrupted");
    const row = await database.db
      .selectFrom("audit_events")
      .select(["outcome", "detail"])
      .where("id", "=", record)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ outcome: "interrupted", detail: "takeover" });
  });
});
