/**
 * The one composition root: settings (parsed by config.ts) in, the whole console out. main.ts
 * calls it, and so does every test, with overrides for the few things a test must replace.
 * Building opens the database and wires everything; it starts nothing. `start()` does: the
 * embedded simulator's listener, the sweeper of abandoned calls, and bulk job takeover.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DestinationStream } from "pino";
import packageJson from "../../package.json" with { type: "json" };
import { createActionPolicy } from "./actions/action-policy";
import { createApprovals } from "./actions/approvals";
import { createApprovalStore } from "./actions/approval-store";
import { auditOf } from "./console-audit";
import { SqlSlidingWindowLimiter } from "./actions/counters";
import { createApp } from "./app";
import { builtFirstFrameRenderer } from "./http/first-frame";
import type { FirstFrameRenderer } from "./http/first-frame";
import { connectAuthlete } from "./authlete/connect";
import { createLabStore } from "./lab/lab-store";
import { LAB_RECEIVER_PATH } from "./lab/receiver";
import { deliverToReceiver } from "./lab/lab-delivery";
import { sqlBulkJobStore } from "./bulk/bulk-job-store";
import { BulkRunner } from "./bulk/bulk-runner";
import { createTicketSeal } from "./bulk/ticket-seal";
import type { ConsoleSettings } from "./config";
import { clockFrom } from "./db/clock";
import { openDatabase } from "./db/database";
import type { Store } from "./db/store";
import { createLogger } from "./logger";
import { authOf } from "./console-auth";
import { createDelivery } from "./notifications/delivery";
import { metricsListenerApp } from "./metrics/metrics-routes";
import type { ResolveHost } from "./notifications/send-notification";

export interface ConsoleOverrides {
  /**
   * Every service's Authlete (tests: a simulator they started). In embedded-simulator mode no
   * simulator is started then, and the seeded test clients are used as with the embedded one.
   */
  authleteBaseUrl?: string;
  /** The one clock of sessions, sign-in, limits, records, bulk jobs and the embedded simulator. */
  now?: () => number;
  /** Where the SQLite database lives instead of AUDIT_DB (tests: ":memory:" or a temporary file). */
  databasePath?: string;
  /** Where log lines go (tests read them). Default: standard output. */
  logDestination?: DestinationStream;
  /** The built page; default dist/client when it exists. Null: serve no page. */
  clientDir?: string | null;
  /** The first frame's renderer; by default the build's, beside the built page only. */
  firstFrame?: () => Promise<FirstFrameRenderer | undefined>;
  version?: string;
  /** Bulk job leases: shorter in tests that kill a replica. */
  bulkTiming?: { leaseMs?: number; heartbeatMs?: number };
  /** Counts every query the database runs (tests). */
  onQuery?: (sql: string) => void;
  /** How notification endpoints' names resolve (tests: a name that rebinds). Default: DNS. */
  resolveHost?: ResolveHost;
  /** A notification's time limit (default 5 s; tests of a hanging client use less). */
  notificationTimeoutMs?: number;
}

// Built: dist/server/main.js → dist/client; from source: src/server/console.ts → dist/client.
const BUILT_CLIENT_DIR = fileURLToPath(new URL("../../dist/client/", import.meta.url));
const BUILT_FIRST_FRAME = fileURLToPath(
  new URL("../../dist/first-frame/first-frame.js", import.meta.url),
);

export async function buildConsole(settings: ConsoleSettings, overrides: ConsoleOverrides = {}) {
  const clock = clockFrom(overrides.now);
  const logger = createLogger(settings.logLevel, overrides.logDestination);
  // The console's own address, once it listens (PUBLIC_URL when set): the lab's receiver.
  let listeningUrl: string | undefined;
  const receiverUrl = () => {
    const base = settings.publicUrl ?? listeningUrl;
    return base === undefined ? undefined : base.replace(/\/$/, "") + LAB_RECEIVER_PATH;
  };
  const database = await openDatabase({
    url: settings.databaseUrl,
    path: overrides.databasePath ?? settings.auditDbPath,
    busyTimeoutMs: settings.auditBusyTimeoutMs,
    synchronous: settings.auditSynchronous,
    onQuery: overrides.onQuery,
    now: clock.epochMs,
  });
  const store: Store = { db: database.db, dialect: database.dialect, clock, logger };
  const replicaId = randomUUID();
  const { audit, auditChain, stream, metrics } = auditOf(settings, store, replicaId);
  const authlete = connectAuthlete(
    settings,
    overrides.authleteBaseUrl,
    clock.epochMs,
    receiverUrl,
    metrics.authleteCall,
  );
  const bulkStore = sqlBulkJobStore(store);
  const auth = authOf(settings, store, metrics.signInRefused);

  const actionPolicy = createActionPolicy({
    services: authlete.services,
    audit,
    limits: {
      actionsPerMinute: new SqlSlidingWindowLimiter(store, {
        name: "single-fail",
        limit: settings.failsPerMinute,
        windowMs: 60_000,
      }),
      bulkTicketsPerHour: new SqlSlidingWindowLimiter(store, {
        name: "bulk-tickets",
        limit: settings.bulkTicketsPerHour,
        windowMs: 3_600_000,
      }),
      maxOpenJobs: settings.bulkMaxOpenJobs,
      labRunsPerHour: new SqlSlidingWindowLimiter(store, {
        name: "lab-runs",
        limit: settings.lab.runsPerHour,
        windowMs: 3_600_000,
      }),
    },
    openJobsOf: (ownerKey) => bulkStore.openJobsOf(ownerKey),
  });
  const delivery = createDelivery({
    audit,
    store,
    settings: settings.notifications,
    key: settings.ticketKey,
    // The embedded simulator's sink stands for the seeded clients: its origin is allowed.
    moreOrigins: authlete.sinkOrigins,
    resolve: overrides.resolveHost,
    timeoutMs: overrides.notificationTimeoutMs,
  });
  const approvals = createApprovals({
    store: createApprovalStore(store),
    audit,
    services: authlete.services,
    key: settings.ticketKey,
    ttlMs: settings.approvals.ttlMs,
    breakGlass: settings.approvals.breakGlass,
    now: clock.epochMs,
  });
  const bulkRunner = new BulkRunner({
    store: bulkStore,
    audit,
    services: authlete.services,
    logger,
    clock,
    concurrency: settings.bulk.concurrency,
    retry: settings.bulk.retry,
    retryWindowMs: settings.bulk.retryWindowMs,
    seal: settings.ticketKey ? createTicketSeal(settings.ticketKey) : undefined,
    replicaId,
    soleReplica: database.dialect === "sqlite",
    callTimeoutMs: settings.timeoutMs,
    delivery,
    ...overrides.bulkTiming,
  });

  const clientDir =
    overrides.clientDir === null
      ? undefined
      : (overrides.clientDir ??
        (existsSync(`${BUILT_CLIENT_DIR}index.html`) ? BUILT_CLIENT_DIR : undefined));
  const version = overrides.version ?? packageJson.version;
  const app = createApp({
    services: authlete.services,
    auth: auth.auth,
    audit,
    actionPolicy,
    bulkRunner,
    bulkStore,
    delivery,
    approvals,
    auditSinks: () => stream.states(),
    metrics: settings.metrics.token
      ? { registry: metrics.registry, token: settings.metrics.token }
      : undefined,
    logger,
    version,
    clientDir,
    // Drawn by the build's own components: only beside the page of that build.
    firstFrame:
      overrides.firstFrame ??
      (clientDir === BUILT_CLIENT_DIR ? builtFirstFrameRenderer(BUILT_FIRST_FRAME) : undefined),
    serveSourceMaps: settings.serveSourceMaps,
    now: clock.epochMs,
    publicAddress: { publicUrl: settings.publicUrl, trustProxy: settings.trustProxy },
    lab: {
      audit,
      labStore: createLabStore(store),
      logger,
      settings: settings.lab,
      receiverUrl,
      deliver: deliverToReceiver,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: clock.epochMs,
    },
  });

  let sweeper: NodeJS.Timeout | undefined;
  // A single call's record left pending by a console that died during the call (kill -9, a
  // crash): once no call could still be running, it is completed as interrupted. At start, and
  // every minute, since on PostgreSQL the console that died may have been another replica.
  const resolveAbandoned = async () => {
    const before = new Date(clock.epochMs() - settings.timeoutMs - 60_000).toISOString();
    const count = await audit.resolveAbandoned(before);
    // Approval requests past their time are recorded as expired even if nobody looks.
    await approvals.expireDue();
    if (count > 0) logger.warn({ count }, "calls left pending by a stopped console: interrupted");
  };

  return {
    app,
    logger,
    version,
    /** What the console talks to, in words for the start banner. */
    target: authlete.description,
    /** The embedded simulator, when the console runs one. */
    simulator: authlete.embedded?.simulator,
    /** Local sign-in's code when none was configured: printed once at start, never logged. */
    generatedAccessCode: auth.generatedAccessCode,
    auth: auth.auth,
    audit,
    auditChain,
    /** The audit stream to the SIEM (webhook, syslog): its sinks' states. */
    stream,
    metrics,
    /** METRICS_PORT's app (main.ts listens with it there); absent without the setting. */
    metricsApp:
      settings.metrics.port === undefined
        ? undefined
        : metricsListenerApp(metrics.registry, settings.metrics.token),
    bulkRunner,
    bulkStore,
    /** Where the records are, for the start banner. */
    database: database.description,
    /** The address the console listens on (main.ts and the test harness tell it). */
    listeningAt(url: string): void {
      listeningUrl = url;
    },
    /** Starts the embedded simulator's listener, the sweeper, and takes over bulk jobs. */
    async start(): Promise<void> {
      await authlete.embedded?.start();
      // Sessions granted by accounts or OIDC_* lists that changed since they began end now.
      const rechecked = await auth.auth.sessions.recheckAll();
      if (rechecked.ended > 0 || rechecked.roleChanged > 0) {
        logger.warn(rechecked, "sessions: ended or given a new role by changed accounts");
      }
      for (const warning of [...settings.httpWarnings, ...settings.databaseWarnings]) {
        logger.warn(warning);
      }
      logger.info({ replicaId }, "bulk jobs: this replica's id in job leases");
      await resolveAbandoned();
      await auditChain.start();
      await stream.start();
      sweeper = setInterval(() => {
        resolveAbandoned().catch((error: unknown) => {
          logger.error({ err: error }, "pending calls could not be resolved");
        });
      }, 60_000);
      sweeper.unref();
      const takenOver = await bulkRunner.run();
      if (takenOver.length > 0) {
        logger.warn({ jobs: takenOver }, "bulk jobs left by the last stop were taken over");
      }
    },
    /** Hands bulk jobs back, stops the embedded simulator, closes the database. */
    async close(): Promise<void> {
      clearInterval(sweeper);
      await bulkRunner.stop();
      await auditChain.stop();
      await stream.stop();
      await authlete.embedded?.close();
      await database.close();
    },
  };
}

export type Console = Awaited<ReturnType<typeof buildConsole>>;

/** Builds and starts: what main.ts and the test harness want. */
export async function startConsole(settings: ConsoleSettings, overrides: ConsoleOverrides = {}) {
  const built = await buildConsole(settings, overrides);
  try {
    await built.start();
  } catch (error) {
    await built.close();
    throw error;
  }
  return built;
}
