/**
 * Starts the real pieces for a test: the simulator and the BFF, each on its own loopback port,
 * talking real HTTP through the Authlete SDK. Log lines are captured to assert on.
 */
import { createSimulator } from "../simulator/app";
import type { SimulatorOptions } from "../simulator/app";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN, seededClientOf } from "../simulator/seed";
import { createApp } from "./app";
import { createAuthleteGateway } from "./authlete";
import { listen } from "./listen";
import { createLogger } from "./logger";
import { configuredDirectory, singleGatewayDirectory } from "./service-directory";
import type { ServiceDirectory, TestClient } from "./service-directory";
import type { Environment } from "../shared/service-profiles";
import { AuditTrail } from "./audit/audit-trail";
import { BulkRunner } from "./bulk/bulk-runner";
import type { RetryPolicy } from "./bulk/bulk-runner";
import { BulkStore } from "./bulk/bulk-store";
import type { OidcSignIn } from "./oidc";
import { SlidingWindowLimiter } from "./rate-limit";
import { SESSION_COOKIE } from "./routes/session";
import { FailedSignIns, SessionStore } from "./sessions";
import type { Principal } from "./sessions";

export const TEST_ACCESS_CODE = "test-access-code-123";

export interface HarnessOptions {
  simulator?: SimulatorOptions;
  /** Default: the simulator's URL. */
  authleteBaseUrl?: string;
  /** Default: the simulator's token. */
  accessToken?: string;
  timeoutMs?: number;
  /** null: no test client anywhere (a real cluster without AUTHLETE_TEST_CLIENT_*). */
  testClientFor?: ((serviceId: string) => TestClient | undefined) | null;
  /** As if CONSOLE_CONFIG listed these simulator services (with the seeded test clients). */
  profiles?: { serviceId: string; name: string; environment: Environment }[];
  clientDir?: string;
  /** Default: the harness signs in as "Test Operator" and sends the cookie with every request. */
  signedIn?: boolean;
  sessionLimits?: { idleMs: number; absoluteMs: number };
  now?: () => number;
  /** Default: a fresh database in memory. */
  auditPath?: string;
  auditBusyTimeoutMs?: number;
  /** Default: 1000, so that only tests about the limit meet it. */
  failsPerMinute?: number;
  /** Default: local sign-in with TEST_ACCESS_CODE. */
  oidc?: OidcSignIn;
  /** Default: any free port. */
  port?: number;
  bulkConcurrency?: number;
  bulkRetry?: RetryPolicy;
}

/** A port nobody listens on right now, for pieces that must know each other's address. */
export async function freePort(): Promise<number> {
  const probe = await listen(() => new Response(), "127.0.0.1", 0);
  await probe.close();
  return probe.port;
}

export interface Exchange {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export async function startConsole(options: HarnessOptions = {}) {
  const simulator = createSimulator(options.simulator);
  const simulatorServer = await listen(simulator.app.fetch, "127.0.0.1", 0);
  const logLines: string[] = [];
  const logger = createLogger("info", { write: (line: string) => void logLines.push(line) });
  const audit = new AuditTrail({
    path: options.auditPath ?? ":memory:",
    logger,
    busyTimeoutMs: options.auditBusyTimeoutMs,
  });
  const sessions = new SessionStore(
    options.sessionLimits ?? { idleMs: 60_000, absoluteMs: 3_600_000 },
    options.now,
  );
  const gateway = createAuthleteGateway({
    baseUrl: options.authleteBaseUrl ?? simulatorServer.url,
    accessToken:
      options.accessToken ?? options.simulator?.accessToken ?? DEFAULT_SIMULATOR_ACCESS_TOKEN,
    timeoutMs: options.timeoutMs ?? 3000,
    simulated: true,
  });
  const services: ServiceDirectory = options.profiles
    ? configuredDirectory(
        options.profiles.map((profile) => ({
          ...profile,
          gateway,
          testClient:
            profile.environment === "production" ? undefined : seededClientOf(profile.serviceId),
        })),
      )
    : singleGatewayDirectory(
        gateway,
        options.testClientFor === null ? undefined : (options.testClientFor ?? seededClientOf),
      );
  const bulkStore = new BulkStore(audit.database);
  const bulkRunner = new BulkRunner({
    store: bulkStore,
    audit,
    logger,
    concurrency: options.bulkConcurrency ?? 4,
    retry: options.bulkRetry ?? {
      maxAttempts: 3,
      baseDelayMs: 20,
      maxDelayMs: 100,
      maxRateLimited: 5,
    },
  });
  bulkRunner.recover();
  const app = createApp({
    services,
    logger,
    auth: {
      sessions,
      method: options.oidc ?? {
        mode: "local",
        accessCode: TEST_ACCESS_CODE,
        failedSignIns: new FailedSignIns(),
      },
    },
    audit,
    failLimiter: new SlidingWindowLimiter(options.failsPerMinute ?? 1000, 60_000, options.now),
    bulkRunner,
    bulkStore,
    version: "0.0.0-test",
    clientDir: options.clientDir,
  });
  const bff = await listen(app.fetch, "127.0.0.1", options.port ?? 0);
  const exchanges: Exchange[] = [];

  let cookie: string | undefined;

  async function send(path: string, init: RequestInit = {}): Promise<Exchange> {
    const headers = new Headers(init.headers);
    if (cookie && !headers.has("cookie")) headers.set("cookie", cookie);
    const response = await fetch(`${bff.url}${path}`, { ...init, headers });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const exchange = { status: response.status, headers: response.headers, text, json };
    exchanges.push(exchange);
    return exchange;
  }

  if (options.signedIn !== false && !options.oidc) {
    const signIn = await send("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Test Operator", accessCode: TEST_ACCESS_CODE }),
    });
    cookie = signIn.headers.get("set-cookie")?.split(";")[0];
    if (!cookie) throw new Error(`The harness could not sign in: ${signIn.status} ${signIn.text}`);
  }

  return {
    url: bff.url,
    simulator,
    simulatorUrl: simulatorServer.url,
    audit,
    bulkRunner,
    logLines,
    /** Every answer the BFF gave in this test, to assert nothing leaked. */
    exchanges,
    request: send,
    get: (path: string) => send(path),
    post: (path: string, body: unknown) =>
      send(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    /** Simulator requests to a path ending so, e.g. "/backchannel/authentication/fail". */
    upstreamCalls: (suffix: string) =>
      simulator.requestLog.filter((entry) => entry.path.endsWith(suffix)),
    /** Signs in as anyone, e.g. a viewer, which local sign-in cannot make. */
    signInAs(principal: Principal) {
      cookie = `${SESSION_COOKIE}=${sessions.create(principal)}`;
    },
    /** Replaces the session cookie the harness sends (e.g. one from an OIDC sign-in). */
    useCookie(value: string | undefined) {
      cookie = value;
    },
    async close() {
      await bulkRunner.idle();
      await bff.close();
      await simulatorServer.close();
      audit.close();
    },
  };
}

export type ConsoleUnderTest = Awaited<ReturnType<typeof startConsole>>;
