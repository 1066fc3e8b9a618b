import pg from "pg";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { appTookOver } from "./fixtures";
import { ACCESS_CODE, SIMULATOR_TOKEN, startDeploymentStack } from "./deployment-stack";
import type { DeploymentStack, Replica } from "./deployment-stack";

/**
 * The console deployed as a team runs it: nginx terminating TLS in front of two replicas on
 * one PostgreSQL (e2e/deployment-stack.ts). The journeys share that stack, in order, in one
 * worker: sign-in and a fail through https, then a replica killed during a bulk job, then a
 * restart and a SIGTERM.
 */
test.describe.configure({ mode: "serial" });

let stack: DeploymentStack;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  stack = await startDeploymentStack();
});
test.afterAll(async () => {
  await stack?.stop();
});
test.use({ ignoreHTTPSErrors: true });

const SERVICE_ID = "1000000001";

/** API requests this replica answered (its request log lines). */
function answered(replica: Replica, pathStart: string): number {
  return replica.lines.filter((line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; path?: string };
      return entry.msg === "request" && entry.path?.startsWith(pathStart);
    } catch {
      return false;
    }
  }).length;
}

async function freshTickets(request: APIRequestContext, n: number): Promise<string[]> {
  const tickets: string[] = [];
  while (tickets.length < n) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, n - tickets.length) }, async () => {
        const answer = await request.post(`${stack.publicUrl}/api/test-tickets`, {
          data: { serviceId: SERVICE_ID },
        });
        expect(answer.status(), await answer.text()).toBe(201);
        return ((await answer.json()) as { ticket: string }).ticket;
      }),
    );
    tickets.push(...batch);
  }
  return tickets;
}

async function withDatabase<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** How many of the job's tickets are in one of these states now. */
async function ticketsIn(jobId: string, states: string[]): Promise<number> {
  return withDatabase(async (db) => {
    const { rows } = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM bulk_items WHERE job_id = $1 AND state = ANY($2)",
      [jobId, states],
    );
    return Number(rows[0]!.n);
  });
}

/** The replica whose id holds the job's lease (each logs its id at start). */
async function replicaRunning(jobId: string): Promise<Replica> {
  const owner = await withDatabase(async (db) => {
    const { rows } = await db.query<{ lease_owner: string }>(
      "SELECT lease_owner FROM bulk_jobs WHERE id = $1",
      [jobId],
    );
    return rows[0]!.lease_owner;
  });
  const replica = stack.replicas.find((r) => r.lines.some((line) => line.includes(owner)));
  expect(replica).toBeDefined();
  return replica!;
}

test("over https through the proxy: sign in, fail a ticket, read the audit log, on both replicas", async ({
  page,
  context,
}) => {
  await page.goto(`${stack.publicUrl}/`);
  await page.getByLabel("Your name").fill("Dana Deploy");
  await page.getByLabel("Access code").fill(ACCESS_CODE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Signed in as Dana Deploy")).toBeVisible();

  const [cookie] = (await context.cookies()).filter((c) => c.name.includes("cfc_session"));
  expect(cookie).toMatchObject({ name: "__Host-cfc_session", secure: true, path: "/" });

  for (let round = 0; round < 2; round++) {
    await page.getByLabel("Service", { exact: true }).fill(SERVICE_ID);
    await page.getByRole("button", { name: "Create test ticket" }).click();
    await expect(page.getByLabel("Ticket", { exact: true })).toHaveValue(/.{43}/);
    await page.getByLabel("Reason").selectOption("ACCESS_DENIED");
    await page.getByRole("button", { name: "Fail ticket" }).click();
    await expect(page.getByRole("region", { name: "Authlete response" })).toContainText("A185001");
    await page.goto(`${stack.publicUrl}/`);
    await appTookOver(page);
  }
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("cell", { name: "Dana Deploy" }).first()).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "succeeded" }).first()).toBeVisible();

  // nginx balanced the API between the replicas, and each knew the session.
  for (const replica of stack.replicas) expect(answered(replica, "/api/")).toBeGreaterThan(0);

  const home = await page.request.get(`${stack.publicUrl}/api/session`);
  expect(home.headers()["strict-transport-security"]).toContain("max-age=");
  // The proxy's own address is not the console's: another Host is refused.
  const foreign = await page.request.get(
    `${stack.publicUrl.replace("localhost", "127.0.0.1")}/api/session/method`,
  );
  expect(foreign.status()).toBe(421);
});

test("kill -9 of the replica running a 500-ticket job: the other finishes it, no ticket sent twice", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const signIn = await page.request.post(`${stack.publicUrl}/api/session`, {
    data: { name: "Dana Deploy", accessCode: ACCESS_CODE },
  });
  expect(signIn.status()).toBe(200);
  const tickets = await freshTickets(page.request, 500);
  // Like a real cluster: each answer takes a while, so the job runs long enough to kill.
  await fetch(`${stack.simulatorUrl}/_simulator/faults`, {
    method: "PUT",
    headers: { authorization: `Bearer ${SIMULATOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify([{ kind: "delay", ms: 40 }]),
  });
  const created = await page.request.post(`${stack.publicUrl}/api/bulk-jobs`, {
    data: {
      serviceId: SERVICE_ID,
      tickets: tickets.map((ticket) => ({ ticket })),
      reason: "UNKNOWN_USER_ID",
    },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`${stack.publicUrl}/bulk/${id}`);
  await expect(page.getByRole("heading", { name: /Bulk job/ })).toContainText("running");

  // Half way, kill (SIGKILL) the replica holding the job's lease.
  await expect.poll(() => ticketsIn(id, ["succeeded"]), { timeout: 60_000 }).toBeGreaterThan(200);
  const running = await replicaRunning(id);
  running.process.kill("SIGKILL");
  expect(await running.exited).toBeNull();

  // The other replica takes the job over (its lease runs out) and finishes it; the page,
  // answered by the surviving replica, shows it.
  await expect(page.getByRole("heading", { name: /Bulk job/ })).toContainText("finished", {
    timeout: 90_000,
  });
  const counts = await withDatabase(async (db) => {
    const { rows } = await db.query<{ state: string; n: string }>(
      "SELECT state, count(*) AS n FROM bulk_items WHERE job_id = $1 GROUP BY state",
      [id],
    );
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
  });
  expect(counts.queued ?? 0).toBe(0);
  expect(counts["in-flight"] ?? 0).toBe(0);
  expect((counts.succeeded ?? 0) + (counts.failed ?? 0) + (counts.interrupted ?? 0)).toBe(500);
  const survivor = stack.replicas.find((replica) => replica !== running)!;
  expect(survivor.lines.some((line) => line.includes("bulk job taken over"))).toBe(true);
  if ((counts.interrupted ?? 0) > 0) {
    await expect(page.getByText("another one went on with it")).toBeVisible();
  }

  // One audit record per ticket, none pending; the simulator saw no ticket twice.
  const records = await withDatabase(async (db) => {
    const { rows } = await db.query<{ outcome: string; n: string }>(
      "SELECT outcome, count(*) AS n FROM audit_events WHERE job_id = $1 AND kind = 'fail' GROUP BY outcome",
      [id],
    );
    const perTicket = await db.query(
      "SELECT ticket_hash FROM audit_events WHERE job_id = $1 AND kind = 'fail' GROUP BY ticket_hash HAVING count(*) > 1",
      [id],
    );
    return {
      byOutcome: Object.fromEntries(rows.map((row) => [row.outcome, Number(row.n)])),
      repeated: perTicket.rowCount,
    };
  });
  expect(records.repeated).toBe(0);
  expect(records.byOutcome.pending ?? 0).toBe(0);
  expect(Object.values(records.byOutcome).reduce((sum, n) => sum + n, 0)).toBe(500);
  const calls = (await (
    await fetch(`${stack.simulatorUrl}/_simulator/fail-calls`, {
      headers: { authorization: `Bearer ${SIMULATOR_TOKEN}` },
    })
  ).json()) as Record<string, number>;
  const sent = tickets.map((ticket) => calls[ticket] ?? 0);
  expect(sent.filter((n) => n > 1)).toEqual([]);
  expect(sent.filter((n) => n === 1).length).toBeGreaterThanOrEqual(counts.succeeded ?? 0);
});

test("a restarted replica keeps people signed in; SIGTERM during calls exits 0 with nothing pending", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await fetch(`${stack.simulatorUrl}/_simulator/faults`, {
    method: "PUT",
    headers: { authorization: `Bearer ${SIMULATOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify([{ kind: "delay", ms: 40 }]),
  });
  const signIn = await page.request.post(`${stack.publicUrl}/api/session`, {
    data: { name: "Dana Deploy", accessCode: ACCESS_CODE },
  });
  expect(signIn.status()).toBe(200);
  // Bring the killed replica back: the session made before still works on both.
  for (const replica of [...stack.replicas]) {
    if (replica.process.exitCode !== null || replica.process.signalCode !== null) {
      await stack.restart(replica);
    }
  }
  for (let i = 0; i < 4; i++) {
    expect((await page.request.get(`${stack.publicUrl}/api/session`)).status()).toBe(200);
  }

  const tickets = await freshTickets(page.request, 150);
  const created = await page.request.post(`${stack.publicUrl}/api/bulk-jobs`, {
    data: {
      serviceId: SERVICE_ID,
      tickets: tickets.map((ticket) => ({ ticket })),
      reason: "ACCESS_DENIED",
    },
  });
  const { id } = (await created.json()) as { id: string };
  await expect
    .poll(() => ticketsIn(id, ["in-flight", "succeeded", "failed"]), { timeout: 30_000 })
    .toBeGreaterThan(20);
  // Stop the replica running it gracefully, as an orchestrator's drain does.
  const holder = await replicaRunning(id);
  holder.process.kill("SIGTERM");
  expect(await holder.exited).toBe(0);

  await expect
    .poll(
      () =>
        withDatabase(async (db) => {
          const { rows } = await db.query<{ status: string }>(
            "SELECT status FROM bulk_jobs WHERE id = $1",
            [id],
          );
          return rows[0]!.status;
        }),
      { timeout: 60_000 },
    )
    .toBe("finished");
  const pending = await withDatabase(async (db) => {
    const { rows } = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM audit_events WHERE outcome = 'pending'",
    );
    return Number(rows[0]!.n);
  });
  expect(pending).toBe(0);
  const interrupted = await ticketsIn(id, ["interrupted"]);
  // A graceful stop lets every call end: nothing is left in doubt.
  expect(interrupted).toBe(0);
});
