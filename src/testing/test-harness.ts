/**
 * Starts the real pieces for a test: an Authlete simulator on its own loopback port, and the
 * console built by the one composition root (console.ts) from settings, as main.ts builds it.
 * Options become environment variables; only the Authlete URL, the clock and the database
 * location are overrides. Log lines are captured to assert on.
 */
import type { FirstFrameRenderer } from "../server/http/first-frame";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSimulator } from "../simulator/app";
import type { SimulatorOptions } from "../simulator/app";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN, seededClientOf } from "../simulator/seed";
import type { Environment } from "../shared/service-profiles";
import { parseSettings } from "../server/config";
import { startConsole as startBuiltConsole } from "../server/console";
import { SESSION_COOKIE } from "../server/http/guards";
import { LAB_RECEIVER_PATH } from "../server/lab/receiver";
import { listen } from "../server/http/listen";
import type { Principal } from "../server/identity/sessions";
import type { ResolveHost } from "../server/notifications/send-notification";

export const TEST_ACCESS_CODE = "test-access-code-123";
/** 32 bytes, base64: the ticket key of test consoles on PostgreSQL. */
export const TEST_TICKET_KEY = Buffer.alloc(32, 7).toString("base64");

export interface HarnessOptions {
  simulator?: SimulatorOptions;
  /** Default: the simulator's URL. */
  authleteBaseUrl?: string;
  /** Sent instead of the simulator's token (a real cluster's token, as AUTHLETE_ACCESS_TOKEN). */
  accessToken?: string;
  /** Further settings, by variable name (e.g. FAIL_RATE_LIMIT_PER_MINUTE, AUTH_MODE=oidc). */
  env?: Record<string, string>;
  /** No test client anywhere (a real cluster without AUTHLETE_TEST_CLIENT_*). */
  noTestClients?: boolean;
  /** As if CONSOLE_CONFIG listed these simulator services (with the seeded test clients). */
  profiles?: {
    serviceId: string;
    name: string;
    environment: Environment;
    approval?: "required" | "none";
  }[];
  clientDir?: string;
  /** The first frame's renderer (e.g. src/client/first-frame.tsx, from source). */
  firstFrame?: () => Promise<FirstFrameRenderer | undefined>;
  /** Default: the harness signs in as "Test Operator" and sends the cookie with every request. */
  signedIn?: boolean;
  now?: () => number;
  /** Default: a fresh SQLite database in memory. */
  databasePath?: string;
  /** A PostgreSQL database (DATABASE_URL) instead, e.g. one another console also uses. */
  databaseUrl?: string;
  /** Bulk job leases, shorter for takeover tests. */
  bulkTiming?: { leaseMs?: number; heartbeatMs?: number };
  /** Called with every query the console's database runs. */
  onQuery?: (sql: string) => void;
  /** Default: any free port. */
  port?: number;
  /** How notification endpoints' names resolve (default: DNS). */
  resolveHost?: ResolveHost;
  notificationTimeoutMs?: number;
  /**
   * The simulator's seeded ping and push clients notify the console's QA lab receiver, as the
   * embedded simulator's do (default: the simulator's own sink, as a standalone one's do).
   */
  notifyConsole?: boolean;
}

/** A port nobody listens on right now, for pieces that must know each other's address. */
export async function freePort(): Promise<number> {
  const probe = await listen(() => new Response(), "127.0.0.1", 0);
  await probe.close();
  return probe.port;
}

/** An HTTP request with the Host header the test chose (what a proxy or an attacker sends). */
function requestWithHost(url: string, init: RequestInit & { headers: Headers }): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: init.method ?? "GET", headers: Object.fromEntries(init.headers) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const item of [value ?? []].flat()) headers.append(name, item);
          }
          resolve(new Response(Buffer.concat(chunks), { status: response.statusCode!, headers }));
        });
      },
    );
    request.on("error", reject);
    request.end(typeof init.body === "string" ? init.body : undefined);
  });
}

export interface Exchange {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

/** What a test's console is configured with, as the environment would say it. */
function environmentFor(options: HarnessOptions, simulatorUrl: string, configDir: string) {
  const simulatorToken = options.simulator?.accessToken ?? DEFAULT_SIMULATOR_ACCESS_TOKEN;
  const env: Record<string, string> = {
    CONSOLE_ACCESS_CODE: TEST_ACCESS_CODE,
    AUTHLETE_TIMEOUT_MS: "3000",
    // High, so that only tests about the limit meet it.
    FAIL_RATE_LIMIT_PER_MINUTE: "1000",
    BULK_RETRY_ATTEMPTS: "3",
    BULK_RETRY_BASE_MS: "20",
    BULK_RETRY_MAX_MS: "100",
    LOG_LEVEL: "info",
  };
  if (options.profiles) {
    const file = join(configDir, "console.json");
    const services = options.profiles.map((profile) => {
      const client =
        profile.environment === "production" ? undefined : seededClientOf(profile.serviceId);
      if (client) env[`SECRET_${profile.serviceId}`] = client.clientSecret;
      return {
        ...profile,
        baseUrl: simulatorUrl,
        tokenEnv: "TEST_AUTHLETE_TOKEN",
        ...(client && {
          testClient: { clientId: client.clientId, clientSecretEnv: `SECRET_${profile.serviceId}` },
        }),
      };
    });
    writeFileSync(file, JSON.stringify({ services }));
    Object.assign(env, { CONSOLE_CONFIG: file, TEST_AUTHLETE_TOKEN: simulatorToken });
  } else if (options.accessToken !== undefined || options.noTestClients) {
    // A cluster: the console sends this token, and has test clients only if configured.
    env.AUTHLETE_ACCESS_TOKEN = options.accessToken ?? simulatorToken;
  } else {
    // The embedded-simulator mode, with the test's simulator in place of the embedded one.
    env.SIMULATOR_ACCESS_TOKEN = simulatorToken;
  }
  if (options.databaseUrl) {
    env.DATABASE_URL = options.databaseUrl;
    env.TICKET_ENCRYPTION_KEY = TEST_TICKET_KEY;
  }
  const all = { ...env, ...options.env };
  // Local accounts replace the shared code (the two together stop the start).
  if (all.CONSOLE_USERS !== undefined) delete all.CONSOLE_ACCESS_CODE;
  return all;
}

export async function startConsole(options: HarnessOptions = {}) {
  // Known once the console listens; the simulator asks only when it notifies.
  const consoleAddress: { url?: string } = {};
  const simulator = createSimulator({
    ...options.simulator,
    ...(options.notifyConsole && {
      relativeEndpoint: () => consoleAddress.url && consoleAddress.url + LAB_RECEIVER_PATH,
    }),
  });
  const simulatorServer = await listen(simulator.app.fetch, "127.0.0.1", 0);
  const configDir = mkdtempSync(join(tmpdir(), "cfc-test-"));
  const logLines: string[] = [];
  const settings = parseSettings(environmentFor(options, simulatorServer.url, configDir));
  const built = await startBuiltConsole(settings, {
    authleteBaseUrl: options.authleteBaseUrl ?? simulatorServer.url,
    now: options.now,
    databasePath: options.databasePath ?? ":memory:",
    logDestination: { write: (line: string) => void logLines.push(line) },
    clientDir: options.clientDir ?? null,
    firstFrame: options.firstFrame,
    version: "0.0.0-test",
    bulkTiming: options.bulkTiming,
    onQuery: options.onQuery,
    resolveHost: options.resolveHost,
    notificationTimeoutMs: options.notificationTimeoutMs,
  });
  const bff = await listen(
    built.app.fetch,
    "127.0.0.1",
    options.port ?? 0,
    settings.requestTimeouts,
  );
  consoleAddress.url = bff.url;
  built.listeningAt(bff.url);
  const exchanges: Exchange[] = [];

  let cookie: string | undefined;

  async function send(path: string, init: RequestInit = {}): Promise<Exchange> {
    const headers = new Headers(init.headers);
    if (cookie && !headers.has("cookie")) headers.set("cookie", cookie);
    // fetch() always sends the URL's host; a test that names another Host goes through node:http.
    const response = headers.has("host")
      ? await requestWithHost(`${bff.url}${path}`, { ...init, headers })
      : await fetch(`${bff.url}${path}`, { ...init, headers });
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

  if (options.signedIn !== false && settings.auth.method.mode === "local") {
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
    audit: built.audit,
    /** The audit chain's sealer: `sealDue()` chains what has closed, now. */
    auditChain: built.auditChain,
    /** METRICS_PORT's app (the test listens with it), when METRICS_PORT is set. */
    metricsApp: built.metricsApp,
    bulkRunner: built.bulkRunner,
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
    /** Signs in through the API with a name and code (an account's, or the shared one). */
    async signInWith(name: string, accessCode: string): Promise<Exchange> {
      const answer = await send("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: "" },
        body: JSON.stringify({ name, accessCode }),
      });
      const set = answer.headers.get("set-cookie")?.split(";")[0];
      if (answer.status === 200 && set) cookie = set;
      return answer;
    },
    /** Signs in as anyone, e.g. a viewer, which local sign-in cannot make. */
    async signInAs(principal: Principal) {
      // A session as the shared code grants it, with the role and subject the test needs.
      const method = built.auth.method;
      const grant =
        principal.grant ??
        (method.mode === "local" ? { fingerprint: method.fingerprint } : undefined);
      cookie = `${SESSION_COOKIE}=${await built.auth.sessions.create({ ...principal, grant })}`;
    },
    /** The console's own database, for tests that look at what it stored. */
    bulkStore: built.bulkStore,
    /** The session cookie the harness sends now (e.g. to hand it to another replica). */
    cookie: () => cookie,
    /** Replaces the session cookie the harness sends (e.g. one from an OIDC sign-in). */
    useCookie(value: string | undefined) {
      cookie = value;
    },
    async close() {
      await built.bulkRunner.idle();
      await bff.close();
      await built.close();
      await simulatorServer.close();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

export type ConsoleUnderTest = Awaited<ReturnType<typeof startConsole>>;
