/** Entry: read config, build dependencies, serve the API and the built page. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import packageJson from "../../package.json" with { type: "json" };
import { createSimulator } from "../simulator/app";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN, seededClientOf } from "../simulator/seed";
import { createApp } from "./app";
import { createAuthleteGateway } from "./authlete";
import type { AuthleteGateway } from "./authlete";
import { ConfigError, parseSettings, readEnvironment } from "./config";
import { listen } from "./listen";
import type { Listening } from "./listen";
import { createLogger } from "./logger";
import { configuredDirectory, singleGatewayDirectory } from "./service-directory";
import type { ServiceDirectory } from "./service-directory";
import { AuditTrail } from "./audit/audit-trail";
import { BulkRunner } from "./bulk/bulk-runner";
import { BulkStore } from "./bulk/bulk-store";
import { OidcSignIn } from "./oidc";
import { SlidingWindowLimiter } from "./rate-limit";
import type { ConsoleAuth } from "./routes/session";
import { FailedSignIns, SessionStore, generateAccessCode } from "./sessions";

async function main(): Promise<void> {
  let settings;
  try {
    settings = parseSettings(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`ciba-fail-console cannot start. ${error.message}`);
    process.exit(1);
  }
  const logger = createLogger(settings.logLevel);
  // A library's stray promise must not stop the console in the middle of an incident: log it.
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled rejection (kept running)");
  });
  const toClose: Listening[] = [];

  let services: ServiceDirectory;
  let target: string;
  if (settings.services) {
    // One gateway per cluster and token: services that share both share a connection pool.
    const gateways = new Map<string, AuthleteGateway>();
    const gatewayFor = (baseUrl: string, accessToken: string) => {
      const key = JSON.stringify([baseUrl, accessToken]);
      let gateway = gateways.get(key);
      if (!gateway) {
        gateway = createAuthleteGateway({
          baseUrl,
          accessToken,
          timeoutMs: settings.timeoutMs,
          simulated: false,
        });
        gateways.set(key, gateway);
      }
      return gateway;
    };
    services = configuredDirectory(
      settings.services.map((service) => ({
        serviceId: service.serviceId,
        name: service.name,
        environment: service.environment,
        gateway: gatewayFor(service.baseUrl, service.accessToken),
        testClient: service.testClient,
      })),
    );
    target = `the ${settings.services.length} services of CONSOLE_CONFIG`;
  } else if (settings.authlete.mode === "embedded-simulator") {
    const simulator = createSimulator({
      accessToken: settings.authlete.accessToken,
      ticketTtlSeconds: settings.authlete.ticketTtlSeconds,
      faults: settings.authlete.faults,
    });
    // In-process, yet over real loopback HTTP: the SDK talks to it exactly as to a cluster.
    const embedded = await listen(simulator.app.fetch, "127.0.0.1", 0);
    toClose.push(embedded);
    const gateway = createAuthleteGateway({
      baseUrl: embedded.url,
      accessToken: settings.authlete.accessToken ?? DEFAULT_SIMULATOR_ACCESS_TOKEN,
      timeoutMs: settings.timeoutMs,
      simulated: true,
    });
    services = singleGatewayDirectory(gateway, seededClientOf);
    target = "the embedded Authlete simulator (no AUTHLETE_ACCESS_TOKEN set)";
  } else {
    const gateway = createAuthleteGateway({
      baseUrl: settings.authlete.baseUrl,
      accessToken: settings.authlete.accessToken,
      timeoutMs: settings.timeoutMs,
      simulated: false,
    });
    const configured = settings.testClient;
    services = singleGatewayDirectory(gateway, configured ? () => configured : undefined);
    target = `Authlete at ${settings.authlete.baseUrl}`;
  }

  const signIn = settings.auth.method;
  const generatedCode =
    signIn.mode === "local" && signIn.accessCode === undefined ? generateAccessCode() : undefined;
  const auth: ConsoleAuth = {
    sessions: new SessionStore({
      idleMs: settings.auth.idleMs,
      absoluteMs: settings.auth.absoluteMs,
    }),
    method:
      signIn.mode === "local"
        ? {
            mode: "local",
            accessCode: signIn.accessCode ?? generatedCode!,
            failedSignIns: new FailedSignIns(),
          }
        : new OidcSignIn(signIn),
  };
  const audit = new AuditTrail({ path: settings.auditDbPath, logger });
  const bulkStore = new BulkStore(audit.database);
  const bulkRunner = new BulkRunner({
    store: bulkStore,
    audit,
    logger,
    concurrency: settings.bulkConcurrency,
  });
  const interrupted = bulkRunner.recover();
  if (interrupted.length > 0) {
    logger.warn({ jobs: interrupted }, "bulk jobs interrupted by the last stop");
  }

  // Built: dist/server/main.js → dist/client; from source: src/server/main.ts → dist/client.
  const clientDir = fileURLToPath(new URL("../../dist/client/", import.meta.url));
  const app = createApp({
    services,
    auth,
    audit,
    failLimiter: new SlidingWindowLimiter(settings.failsPerMinute, 60_000),
    bulkRunner,
    bulkStore,
    logger,
    version: packageJson.version,
    clientDir: existsSync(`${clientDir}index.html`) ? clientDir : undefined,
  });

  const server = await listen(app.fetch, settings.host, settings.port);
  toClose.push(server);
  console.log(`\n  ciba-fail-console ${packageJson.version} is talking to ${target}.`);
  if (generatedCode) {
    // Shown once, here, like Jupyter's token: it is never logged or sent anywhere else.
    console.log(`  Open ${server.url}/login?code=${generatedCode} in your browser to sign in.`);
    console.log(
      "  (The access code is new at every start; set CONSOLE_ACCESS_CODE to keep one.)\n",
    );
  } else if (signIn.mode === "local") {
    console.log(`  Open ${server.url}/ in your browser and sign in with CONSOLE_ACCESS_CODE.\n`);
  } else {
    console.log(`  Open ${server.url}/ in your browser and sign in with ${signIn.issuer}.\n`);
  }
  console.log(`  Audit trail: ${settings.auditDbPath}\n`);

  const stop = () => {
    void Promise.all(toClose.map((listening) => listening.close())).then(() => {
      audit.close();
      process.exit(0);
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
