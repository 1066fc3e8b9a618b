/**
 * The one composition root: settings (parsed by config.ts) in, the whole console out. main.ts
 * calls it, and so does every test, with overrides for the few things a test must replace.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DestinationStream } from "pino";
import packageJson from "../../package.json" with { type: "json" };
import { createSimulator } from "../simulator/app";
import type { Simulator } from "../simulator/app";
import { BUILT_IN_SEED, DEFAULT_SIMULATOR_ACCESS_TOKEN, testClientOf } from "../simulator/seed";
import { createApp } from "./app";
import { createAuthleteGateway } from "./authlete/gateway";
import type { AuthleteGateway } from "./authlete/gateway";
import { BulkRunner } from "./bulk/bulk-runner";
import type { ConsoleSettings } from "./config";
import { createFailPolicy } from "./actions/action-policy";
import { listen } from "./http/listen";
import type { Listening } from "./http/listen";
import { createLogger } from "./logger";
import { OidcSignIn } from "./session/oidc";
import type { ConsoleAuth } from "./session/routes";
import { configuredDirectory, singleGatewayDirectory } from "./authlete/service-directory";
import type { ServiceDirectory } from "./authlete/service-directory";
import { generateAccessCode } from "./identity/sessions";
import { SqlAuditTrail } from "./actions/audit-trail";
import { SqlBulkJobStore } from "./bulk/bulk-job-store";
import { SqlSlidingWindowLimiter } from "./actions/counters";
import { openDatabase } from "./db/database";
import { SqlSessionStore } from "./identity/session-store";
import { SqlSignInThrottle } from "./session/sign-in-throttle";
import { createTicketSeal } from "./bulk/ticket-seal";

export interface ConsoleOverrides {
  /**
   * Every service's Authlete (tests: a simulator they started). In embedded-simulator mode no
   * simulator is started then, and the seeded test clients are used as with the embedded one.
   */
  authleteBaseUrl?: string;
  /** The clock of sessions, sign-in and rate limits (tests move it instead of waiting). */
  now?: () => number;
  /** Where the SQLite database lives instead of AUDIT_DB (tests: ":memory:" or a temporary file). */
  databasePath?: string;
  /** Where log lines go (tests read them). Default: standard output. */
  logDestination?: DestinationStream;
  /** The built page; default dist/client when it exists. Null: serve no page. */
  clientDir?: string | null;
  version?: string;
  /** Bulk job leases: shorter in tests that kill a replica. */
  bulkTiming?: { leaseMs?: number; heartbeatMs?: number };
}

// Built: dist/server/main.js → dist/client; from source: src/server/console.ts → dist/client.
const BUILT_CLIENT_DIR = fileURLToPath(new URL("../../dist/client/", import.meta.url));

export async function buildConsole(settings: ConsoleSettings, overrides: ConsoleOverrides = {}) {
  const now = overrides.now ?? Date.now;
  const logger = createLogger(settings.logLevel, overrides.logDestination);
  const listening: Listening[] = [];

  const authlete = await connectAuthlete(settings, overrides.authleteBaseUrl);
  if (authlete.embedded) listening.push(authlete.embedded.server);

  const database = await openDatabase({
    url: settings.databaseUrl,
    path: overrides.databasePath ?? settings.auditDbPath,
    busyTimeoutMs: settings.auditBusyTimeoutMs,
    synchronous: settings.auditSynchronous,
  }).catch(async (error: unknown) => {
    await Promise.all(listening.map((server) => server.close()));
    throw error;
  });
  const { db, dialect } = database;
  const audit = new SqlAuditTrail(db, logger, () => new Date(now()));
  const bulkStore = new SqlBulkJobStore(db, dialect, () => new Date(now()));

  const signIn = settings.auth.method;
  const generatedAccessCode =
    signIn.mode === "local" && signIn.accessCode === undefined ? generateAccessCode() : undefined;
  const auth: ConsoleAuth = {
    sessions: new SqlSessionStore(
      db,
      { idleMs: settings.auth.idleMs, absoluteMs: settings.auth.absoluteMs },
      now,
    ),
    method:
      signIn.mode === "local"
        ? { mode: "local", accessCode: signIn.accessCode ?? generatedAccessCode! }
        : signIn.mode === "accounts"
          ? signIn
          : new OidcSignIn(signIn, now),
    throttle: new SqlSignInThrottle(database, {
      windowMs: settings.auth.lockoutWindowMs,
      lockoutAfter: settings.auth.lockoutAfter,
      now,
    }),
  };

  const failPolicy = createFailPolicy({
    services: authlete.services,
    audit,
    failsPerMinute: new SqlSlidingWindowLimiter({
      database,
      name: "single-fail",
      limit: settings.failsPerMinute,
      windowMs: 60_000,
      logger,
      now,
    }),
    bulkTicketsPerHour: new SqlSlidingWindowLimiter({
      database,
      name: "bulk-tickets",
      limit: settings.bulkTicketsPerHour,
      windowMs: 3_600_000,
      logger,
      now,
    }),
    maxOpenJobs: settings.bulkMaxOpenJobs,
    openJobsOf: (ownerKey) => bulkStore.openJobsOf(ownerKey),
  });
  const replicaId = randomUUID();
  const bulkRunner = new BulkRunner({
    store: bulkStore,
    audit,
    services: authlete.services,
    logger,
    concurrency: settings.bulk.concurrency,
    retry: settings.bulk.retry,
    retryWindowMs: settings.bulk.retryWindowMs,
    seal: settings.ticketKey ? createTicketSeal(settings.ticketKey) : undefined,
    replicaId,
    soleReplica: dialect === "sqlite",
    callTimeoutMs: settings.timeoutMs,
    ...overrides.bulkTiming,
  });
  logger.info({ replicaId }, "bulk jobs: this replica's id in job leases");
  // A single call's record left pending by a console that died during the call (kill -9, a
  // crash): once no call could still be running, it is completed as interrupted. At start, and
  // every minute, since on PostgreSQL the console that died may have been another replica.
  const resolveAbandoned = async () => {
    const before = new Date(now() - settings.timeoutMs - 60_000).toISOString();
    const count = await audit.resolveAbandoned(before);
    if (count > 0) logger.warn({ count }, "calls left pending by a stopped console: interrupted");
  };
  await resolveAbandoned();
  const sweeper = setInterval(() => {
    resolveAbandoned().catch((error: unknown) => {
      logger.error({ err: error }, "pending calls could not be resolved");
    });
  }, 60_000);
  sweeper.unref();
  const takenOver = await bulkRunner.run();
  if (takenOver.length > 0) {
    logger.warn({ jobs: takenOver }, "bulk jobs left by the last stop were taken over");
  }

  const clientDir =
    overrides.clientDir === null
      ? undefined
      : (overrides.clientDir ??
        (existsSync(`${BUILT_CLIENT_DIR}index.html`) ? BUILT_CLIENT_DIR : undefined));
  const version = overrides.version ?? packageJson.version;
  const app = createApp({
    services: authlete.services,
    auth,
    audit,
    failPolicy,
    bulkRunner,
    bulkStore,
    logger,
    version,
    clientDir,
    now,
    publicAddress: { publicUrl: settings.publicUrl, trustProxy: settings.trustProxy },
  });

  return {
    app,
    logger,
    version,
    /** What the console talks to, in words for the start banner. */
    target: authlete.description,
    /** The embedded simulator, when the console runs one. */
    simulator: authlete.embedded?.simulator,
    /** Local sign-in's code when none was configured: printed once at start, never logged. */
    generatedAccessCode,
    auth,
    audit,
    bulkRunner,
    bulkStore,
    /** Where the records are, for the start banner. */
    database: database.description,
    /** Hands bulk jobs back, stops the embedded simulator, closes the database. */
    async close(): Promise<void> {
      clearInterval(sweeper);
      await bulkRunner.stop();
      await Promise.all(listening.map((server) => server.close()));
      await database.close();
    },
  };
}

export type Console = Awaited<ReturnType<typeof buildConsole>>;

/** Which Authlete serves each service: CONSOLE_CONFIG's clusters, one cluster, or the simulator. */
async function connectAuthlete(
  settings: ConsoleSettings,
  baseUrlOverride: string | undefined,
): Promise<{
  services: ServiceDirectory;
  description: string;
  embedded?: { simulator: Simulator; server: Listening };
}> {
  const gatewayOf = cachedGateways(settings.timeoutMs);
  if (settings.services) {
    const services = configuredDirectory(
      settings.services.map((service) => ({
        ...service,
        gateway: gatewayOf(baseUrlOverride ?? service.baseUrl, service.accessToken, false),
      })),
    );
    return { services, description: `the ${settings.services.length} services of CONSOLE_CONFIG` };
  }
  if (settings.authlete.mode === "cluster") {
    const baseUrl = baseUrlOverride ?? settings.authlete.baseUrl;
    const gateway = gatewayOf(baseUrl, settings.authlete.accessToken, false);
    const testClient = settings.testClient;
    return {
      services: singleGatewayDirectory(gateway, testClient ? () => testClient : undefined),
      description: `Authlete at ${baseUrl}`,
    };
  }
  const accessToken = settings.authlete.accessToken ?? DEFAULT_SIMULATOR_ACCESS_TOKEN;
  let embedded: { simulator: Simulator; server: Listening } | undefined;
  if (baseUrlOverride === undefined) {
    const simulator = createSimulator({
      accessToken: settings.authlete.accessToken,
      seed: settings.authlete.seed,
      // Anyone on this machine could reach its port: its fault switch takes a token made now
      // and never shown (faults for the embedded simulator come from SIMULATOR_FAULTS).
      adminToken: randomBytes(24).toString("base64url"),
      ticketTtlSeconds: settings.authlete.ticketTtlSeconds,
      faults: settings.authlete.faults,
    });
    // In-process, yet over real loopback HTTP: the SDK talks to it exactly as to a cluster.
    embedded = { simulator, server: await listen(simulator.app.fetch, "127.0.0.1", 0) };
  }
  const gateway = gatewayOf(baseUrlOverride ?? embedded!.server.url, accessToken, true);
  const seed = settings.authlete.seed ?? BUILT_IN_SEED;
  return {
    services: singleGatewayDirectory(gateway, (serviceId) => testClientOf(seed, serviceId)),
    description: "the embedded Authlete simulator (no AUTHLETE_ACCESS_TOKEN set)",
    embedded,
  };
}

/** One gateway per cluster and token: services that share both share a connection pool. */
function cachedGateways(timeoutMs: number) {
  const gateways = new Map<string, AuthleteGateway>();
  return (baseUrl: string, accessToken: string, simulated: boolean) => {
    const key = JSON.stringify([baseUrl, accessToken]);
    let gateway = gateways.get(key);
    if (!gateway) {
      gateway = createAuthleteGateway({ baseUrl, accessToken, timeoutMs, simulated });
      gateways.set(key, gateway);
    }
    return gateway;
  };
}
