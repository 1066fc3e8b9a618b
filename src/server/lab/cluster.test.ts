import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { labRunSchema } from "../../shared/lab";
import type { LabRun } from "../../shared/lab";
import { createSimulator } from "../../simulator/app";
import type { Simulator } from "../../simulator/app";
import { BUILT_IN_SEED_FILE } from "../../simulator/seed";
import { seedFrom } from "../../simulator/seed-file";
import { finishedLabRun } from "../../testing/lab-runs";
import { freePort, startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";
import { listen } from "../http/listen";
import type { Listening } from "../http/listen";
import { LAB_RECEIVER_PATH } from "./receiver";

/**
 * Issue 18: the lab against a standalone simulator set up as a real cluster is: the console
 * knows it only by URL and token (CONSOLE_CONFIG), its test clients per mode come from that
 * file with their subject, and the ping and push clients are registered with the console's
 * receiver as their notification endpoint, an absolute URL.
 */
const CLUSTER_TOKEN = "cluster-token-for-the-lab-0001";
let running: ConsoleUnderTest | undefined;
let cluster: Listening | undefined;
const folders: string[] = [];
afterEach(async () => {
  await running?.close();
  await cluster?.close();
  running = undefined;
  cluster = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function startCluster(): Promise<{ simulator: Simulator; on: ConsoleUnderTest }> {
  const port = await freePort();
  const receiver = `http://127.0.0.1:${port}${LAB_RECEIVER_PATH}`;
  const simulator = createSimulator({
    seed: seedFrom({
      ...BUILT_IN_SEED_FILE,
      // Interval 1 s, as a QA service would have it.
      services: BUILT_IN_SEED_FILE.services.map((service) =>
        service.apiKey === 1000000001 ? { ...service, backchannelPollingInterval: 1 } : service,
      ),
      clients: BUILT_IN_SEED_FILE.clients.map((client) =>
        client.bcDeliveryMode === "POLL" || !("bcNotificationEndpoint" in client)
          ? client
          : { ...client, bcNotificationEndpoint: receiver },
      ),
      accessTokens: [{ token: CLUSTER_TOKEN, services: [1000000001] }],
    }),
  });
  cluster = await listen(simulator.app.fetch, "127.0.0.1", 0);
  const folder = mkdtempSync(join(tmpdir(), "cfc-lab-cluster-"));
  folders.push(folder);
  const config = join(folder, "console.json");
  const testClient = (clientId: string, deliveryMode: string) => ({
    clientId,
    clientSecretEnv: `SECRET_${clientId}`,
    deliveryMode,
    subject: "qa-alice",
  });
  writeFileSync(
    config,
    JSON.stringify({
      services: [
        {
          serviceId: "1000000001",
          name: "QA cluster service",
          environment: "test",
          baseUrl: cluster.url,
          tokenEnv: "LAB_CLUSTER_TOKEN",
          testClients: [
            testClient("3000000001", "POLL"),
            testClient("3000000011", "PING"),
            testClient("3000000021", "PUSH"),
          ],
        },
      ],
    }),
  );
  const secrets = Object.fromEntries(
    BUILT_IN_SEED_FILE.clients.map((client) => [`SECRET_${client.clientId}`, client.clientSecret]),
  );
  const on = await startConsole({
    port,
    authleteBaseUrl: cluster.url,
    env: {
      CONSOLE_CONFIG: config,
      LAB_CLUSTER_TOKEN: CLUSTER_TOKEN,
      LAB_REQUESTED_EXPIRY_SECONDS: "1",
      ...secrets,
    },
  });
  running = on;
  return { simulator, on };
}

async function runToTheEnd(on: ConsoleUnderTest): Promise<LabRun> {
  const started = await on.post("/api/lab/runs", { serviceId: "1000000001" });
  expect(started.status).toBe(202);
  return finishedLabRun(on, labRunSchema.parse(started.json).id);
}

describe("QA lab against a standalone simulator configured as a cluster", () => {
  it("passes every cell for poll, ping and push, and deletes the tokens it got", async () => {
    const { simulator, on } = await startCluster();
    const run = await runToTheEnd(on);
    expect(
      run.cells
        .filter((cell) => cell.verdict !== "pass")
        .map((cell) => [cell.outcome, cell.mode, cell.detail]),
    ).toEqual([]);
    expect(run.modes).toEqual(["POLL", "PING", "PUSH"]);
    expect(run.target).toBe(cluster!.url);
    // AUTHORIZED gave tokens three times (poll and ping at the token endpoint, push in the
    // notification); each was deleted through token management after its cell.
    const deletes = simulator.requestLog.filter((entry) =>
      entry.path.includes("/auth/token/delete/"),
    );
    expect(deletes.map((entry) => entry.status)).toEqual([204, 204, 204]);
  }, 40_000);

  it("turns the cells an /auth/token fault hits into errors with the reason, and the run finishes", async () => {
    const { simulator, on } = await startCluster();
    simulator.setFaults([{ kind: "status", status: 500, path: "/auth/token" }]);
    const run = await runToTheEnd(on);
    const errors = run.cells.filter((cell) => cell.verdict === "error");
    // Poll and ping clients ask the token endpoint in every /complete and expiry cell; a push
    // client never does, and a failed request never reaches it.
    expect(errors.map((cell) => `${cell.outcome}/${cell.mode}`).sort()).toEqual(
      ["complete:ACCESS_DENIED", "complete:AUTHORIZED", "complete:TRANSACTION_FAILED", "expiry"]
        .flatMap((outcome) => [`${outcome}/PING`, `${outcome}/POLL`])
        .sort(),
    );
    for (const cell of errors) {
      expect(cell.detail).toMatch(/^POST \/auth\/token: /);
      const last = cell.exchange.at(-1)!;
      expect(last.what).toBe("POST /auth/token");
      expect(JSON.stringify(last.answer)).toContain("500");
    }
    expect(run.summary).toMatchObject({ pass: 39 - 8, error: 8, fail: 0 });
  }, 40_000);
});
