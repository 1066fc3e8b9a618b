/**
 * The deployment the README describes, started for real by the end-to-end journey: a throwaway
 * PostgreSQL cluster, a standalone Authlete simulator, two console replicas (the built
 * dist/server/main.js, as separate processes) and nginx terminating TLS in front of them with
 * deploy/nginx.conf and a self-signed certificate made here.
 */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testCertificate } from "../src/testing/test-certificate";
import { freePort, startPostgresCluster } from "../scripts/postgres-cluster";
import type { PostgresCluster } from "../scripts/postgres-cluster";

export const ACCESS_CODE = "deployment-access-code-0123";
export const SIMULATOR_TOKEN = "simulator-access-token";
const TICKET_KEY = Buffer.alloc(32, 9).toString("base64");

export interface Replica {
  name: string;
  port: number;
  process: ChildProcess;
  /** Every line it wrote (pino JSON), for the journey to see which replica answered. */
  lines: string[];
  exited: Promise<number | null>;
}

export interface DeploymentStack {
  publicUrl: string;
  simulatorUrl: string;
  databaseUrl: string;
  replicas: Replica[];
  /** Starts a replica again on its port (after a kill). */
  restart(replica: Replica): Promise<Replica>;
  stop(): Promise<void>;
}

async function waitFor(url: string, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      const answer = await fetch(url);
      if (answer.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startProcess(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream.on("data", (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, lines, exited };
}

export async function startDeploymentStack(): Promise<DeploymentStack> {
  const dir = mkdtempSync(join(tmpdir(), "cfc-deployment-"));
  chmodSync(dir, 0o755);
  const cluster: PostgresCluster = await startPostgresCluster({ fsync: false });
  const databaseUrl = await cluster.createDatabase("console");

  // The certificate people's browsers would get from the team's CA; self-signed here.
  const certificate = testCertificate(dir);

  const simulatorPort = await freePort();
  const simulator = startProcess("npx", ["tsx", "src/simulator/main.ts"], {
    SIMULATOR_PORT: String(simulatorPort),
  });
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  await waitFor(`${simulatorUrl}/api/service/get/list`, "the simulator");

  const proxyPort = await freePort();
  const publicUrl = `https://localhost:${proxyPort}`;

  async function startReplica(name: string, port: number): Promise<Replica> {
    const started = startProcess("node", ["dist/server/main.js"], {
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      TRUST_PROXY: "127.0.0.1,::1",
      DATABASE_URL: databaseUrl,
      TICKET_ENCRYPTION_KEY: TICKET_KEY,
      AUTHLETE_BASE_URL: simulatorUrl,
      AUTHLETE_ACCESS_TOKEN: SIMULATOR_TOKEN,
      AUTHLETE_TEST_CLIENT_ID: "3000000001",
      AUTHLETE_TEST_CLIENT_SECRET: "demo-client-secret",
      AUTHLETE_TIMEOUT_MS: "3000",
      CONSOLE_ACCESS_CODE: ACCESS_CODE,
      FAIL_RATE_LIMIT_PER_MINUTE: "1000",
      BULK_CONCURRENCY: "2",
      LOG_LEVEL: "info",
    });
    await waitFor(`http://127.0.0.1:${port}/healthz`, `replica ${name}`);
    return { name, port, process: started.child, lines: started.lines, exited: started.exited };
  }
  const replicas = [
    await startReplica("a", await freePort()),
    await startReplica("b", await freePort()),
  ];

  const runtime = join(dir, "nginx");
  mkdirSync(runtime, { recursive: true });
  chmodSync(runtime, 0o777);
  const config = readFileSync("deploy/nginx.conf", "utf8")
    .replaceAll("{{RUNTIME_DIR}}", runtime)
    .replaceAll("{{REPLICA_1}}", `127.0.0.1:${replicas[0]!.port}`)
    .replaceAll("{{REPLICA_2}}", `127.0.0.1:${replicas[1]!.port}`)
    .replaceAll(
      "{{LISTEN}}",
      `listen 127.0.0.1:${proxyPort} ssl;\n    listen [::1]:${proxyPort} ssl;`,
    )
    .replaceAll("{{SERVER_NAME}}", "localhost")
    .replaceAll("{{CERTIFICATE}}", certificate.cert)
    .replaceAll("{{CERTIFICATE_KEY}}", certificate.key);
  const configPath = join(dir, "nginx.conf");
  writeFileSync(configPath, config);
  const nginxBinary = ["/usr/sbin/nginx", "nginx"].find((candidate) => {
    try {
      execFileSync(candidate, ["-v"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  if (!nginxBinary) throw new Error("nginx is not installed (apt-get install -y nginx-light)");
  const nginx = startProcess(
    nginxBinary,
    ["-c", configPath, "-p", runtime, "-g", "daemon off;"],
    {},
  );
  // The proxy is up when it answers over TLS (the journey's browser ignores the self-signing).
  const started = Date.now();
  for (;;) {
    try {
      execFileSync("openssl", ["s_client", "-connect", `127.0.0.1:${proxyPort}`, "-brief"], {
        input: "",
        stdio: ["pipe", "ignore", "ignore"],
        timeout: 2000,
      });
      break;
    } catch {
      if (Date.now() - started > 15_000) {
        throw new Error(`nginx did not start: ${nginx.lines.join("\n")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    publicUrl,
    simulatorUrl,
    databaseUrl,
    replicas,
    async restart(replica) {
      const again = await startReplica(replica.name, replica.port);
      replicas[replicas.indexOf(replica)] = again;
      return again;
    },
    async stop() {
      nginx.child.kill("SIGTERM");
      simulator.child.kill("SIGTERM");
      for (const replica of replicas) replica.process.kill("SIGKILL");
      await Promise.all([nginx.exited, simulator.exited, ...replicas.map((r) => r.exited)]);
      cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
