import { afterEach, describe, expect, it } from "vitest";
import { problemSchema } from "../../shared/problem";
import { parseSettings } from "../config";
import { parseTrustProxy, publicOrigin } from "./public-address";
import { TEST_ACCESS_CODE, startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

const PUBLIC = "https://ciba-console.example.test";
let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** What a TLS-terminating proxy on this machine would send on. */
const viaProxy = (extra: Record<string, string> = {}) => ({
  host: "ciba-console.example.test",
  "x-forwarded-proto": "https",
  "x-forwarded-for": "203.0.113.9",
  ...extra,
});

const signIn = (headers: Record<string, string>) =>
  running!.request("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ name: "Pat", accessCode: TEST_ACCESS_CODE }),
  });

function lastRequestLine(path: string): Record<string, unknown> {
  const lines = running!.logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === "request" && line.path === path);
  return lines.at(-1)!;
}

describe("PUBLIC_URL behind a trusted TLS proxy", () => {
  it("takes writes from the public origin only, with a Secure __Host- cookie and HSTS", async () => {
    running = await startConsole({
      signedIn: false,
      env: { PUBLIC_URL: PUBLIC, TRUST_PROXY: "127.0.0.1" },
    });
    const answer = await signIn(viaProxy({ origin: PUBLIC, "sec-fetch-site": "same-origin" }));
    expect(answer.status).toBe(200);
    const cookie = answer.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-cfc_session=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(answer.headers.get("strict-transport-security")).toContain("max-age=");

    // The session works on the next request (the cookie under its __Host- name).
    running.useCookie(cookie.split(";")[0]);
    expect((await running.request("/api/session", { headers: viaProxy() })).status).toBe(200);

    // A write whose Origin is the socket's own http origin is not from the public page.
    const local = await signIn(viaProxy({ origin: running.url }));
    expect(local.status).toBe(403);
  });

  it("refuses another host with 421, except the orchestrator's probes", async () => {
    running = await startConsole({
      signedIn: false,
      env: { PUBLIC_URL: PUBLIC, TRUST_PROXY: "127.0.0.1" },
    });
    const rebound = await running.request("/api/session/method", {
      headers: { host: "attacker.example" },
    });
    expect(rebound.status).toBe(421);
    expect(rebound.headers.get("content-type")).toContain("application/problem+json");
    expect(problemSchema.parse(rebound.json).type).toMatch(/misdirected-request$/);
    // A refusal like any answer: security headers, not cached, in the request log.
    expect(rebound.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(rebound.headers.get("cache-control")).toBe("no-store");
    expect(lastRequestLine("/api/session/method").status).toBe(421);
    const page = await running.request("/", { headers: { host: "127.0.0.1" } });
    expect(page.status).toBe(421);
    for (const probe of ["/healthz", "/readyz"]) {
      const answer = await running.request(probe, { headers: { host: "10.1.2.3:8787" } });
      expect(answer.status, probe).not.toBe(421);
    }
    // X-Forwarded-Host from the trusted proxy names the host people used.
    const forwarded = await running.request("/api/session/method", {
      headers: { host: "10.1.2.3:8787", "x-forwarded-host": "ciba-console.example.test" },
    });
    expect(forwarded.status).toBe(200);
  });

  it("takes the client address from X-Forwarded-For only when the proxy is trusted", async () => {
    running = await startConsole({ signedIn: false, env: { TRUST_PROXY: "127.0.0.1/32" } });
    await signIn({ "x-forwarded-for": "198.51.100.7, 203.0.113.9" });
    expect(lastRequestLine("/api/session").client).toBe("203.0.113.9");
    await running.close();

    running = await startConsole({ signedIn: false, env: { TRUST_PROXY: "2" } });
    await signIn({ "x-forwarded-for": "198.51.100.7, 203.0.113.9" });
    expect(lastRequestLine("/api/session").client).toBe("198.51.100.7");
    const [record] = (await running.audit.page({ kind: "sign-in" }, 1)).events;
    expect(record!.clientAddress).toBe("198.51.100.7");
    await running.close();

    // Untrusted: the header is ignored, and so are X-Forwarded-Proto and -Host.
    running = await startConsole({ signedIn: false });
    const answer = await signIn({
      ...viaProxy({ "x-forwarded-host": "elsewhere.example", origin: "https://elsewhere.example" }),
      host: "127.0.0.1",
    });
    expect(answer.status).toBe(403);
    const plain = await signIn({ "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https" });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("set-cookie")).toMatch(/^cfc_session=/);
    expect(plain.headers.get("set-cookie")).not.toMatch(/Secure/i);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    expect(lastRequestLine("/api/session").client).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });
});

describe("the default loopback start (issue 19, items 12 and 17)", () => {
  it("answers only loopback Host names without PUBLIC_URL: a rebound name is refused", async () => {
    running = await startConsole({ signedIn: false });
    const rebound = await signIn({
      host: "rebind.attacker.example",
      origin: "http://rebind.attacker.example",
    });
    expect(rebound.status).toBe(421);
    expect(problemSchema.parse(rebound.json).detail).toMatch(/only loopback names/);
    for (const host of ["localhost", "127.0.0.1:8787", "[::1]:8787", "app.localhost"]) {
      const page = await running.request("/api/session/method", { headers: { host } });
      expect(page.status, host).toBe(200);
    }
  });

  it("refuses to start on a non-loopback HOST without PUBLIC_URL, naming what to set", () => {
    expect(() => parseSettings({ HOST: "0.0.0.0" })).toThrow(/HOST: .*set PUBLIC_URL/);
    expect(parseSettings({ HOST: "0.0.0.0", PUBLIC_URL: PUBLIC }).host).toBe("0.0.0.0");
    expect(parseSettings({ HOST: "::1" }).host).toBe("::1");
  });

  it("warns at start when a hop count is trusted on a reachable HOST", () => {
    const base = { HOST: "0.0.0.0", PUBLIC_URL: PUBLIC };
    expect(parseSettings({ ...base, TRUST_PROXY: "1" }).httpWarnings.join()).toMatch(
      /TRUST_PROXY=1 believes X-Forwarded-For from any direct peer.*reachable only through the proxy/,
    );
    expect(parseSettings({ ...base, TRUST_PROXY: "10.0.0.0/8" }).httpWarnings).toEqual([]);
    expect(parseSettings({ TRUST_PROXY: "1" }).httpWarnings).toEqual([]);
  });

  it("takes only IP literals from X-Forwarded-For: a name ends the walk", async () => {
    running = await startConsole({ signedIn: false, env: { TRUST_PROXY: "2" } });
    await signIn({ "x-forwarded-for": "evil.example, 203.0.113.9" });
    expect(lastRequestLine("/api/session").client).toBe("203.0.113.9");
    await signIn({ "x-forwarded-for": "198.51.100.7, [2001:db8::1]" });
    expect(lastRequestLine("/api/session").client).toBe("198.51.100.7");
  });
});

describe("PUBLIC_URL and TRUST_PROXY settings", () => {
  it("accepts an origin, and stops the start on a path or another scheme", () => {
    expect(publicOrigin("https://ciba-console.example.com")).toBe(
      "https://ciba-console.example.com",
    );
    expect(publicOrigin("https://ciba-console.example.com:8443/")).toBe(
      "https://ciba-console.example.com:8443",
    );
    expect(() => parseSettings({ PUBLIC_URL: "https://example.com/console" })).toThrow(
      /PUBLIC_URL: must be an origin only/,
    );
    expect(() => parseSettings({ PUBLIC_URL: "ftp://example.com" })).toThrow(/PUBLIC_URL/);
  });

  it("derives the OIDC redirect URI from PUBLIC_URL", () => {
    const settings = parseSettings({
      PUBLIC_URL: PUBLIC,
      AUTH_MODE: "oidc",
      OIDC_ISSUER: "https://id.example.com",
      OIDC_CLIENT_ID: "console",
      OIDC_CLIENT_SECRET: "secret",
      OIDC_OPERATOR_EMAILS: "ada@example.com",
    });
    expect(settings.auth.method).toMatchObject({ redirectUri: `${PUBLIC}/auth/oidc/callback` });
  });

  it("reads hops or address lists, and refuses anything else", () => {
    expect(parseTrustProxy(undefined)).toEqual({ kind: "none" });
    expect(parseTrustProxy("1")).toEqual({ kind: "hops", hops: 1 });
    expect(parseTrustProxy("10.0.0.0/8, ::1").kind).toBe("addresses");
    expect(() => parseTrustProxy("proxy.example")).toThrow(/not an address/);
    expect(() => parseTrustProxy("10.0.0.0/40")).toThrow(/prefix/);
    expect(() => parseSettings({ TRUST_PROXY: "everyone" })).toThrow(/TRUST_PROXY/);
  });

  it("wants a ticket key with DATABASE_URL, of 32 bytes", () => {
    expect(() => parseSettings({ DATABASE_URL: "postgres://console@db/console" })).toThrow(
      /TICKET_ENCRYPTION_KEY: is required with DATABASE_URL/,
    );
    expect(() =>
      parseSettings({
        DATABASE_URL: "postgres://console@db/console",
        TICKET_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64"),
      }),
    ).toThrow(/32 bytes/);
    expect(() => parseSettings({ DATABASE_URL: "mysql://db/console" })).toThrow(/DATABASE_URL/);
    const settings = parseSettings({
      DATABASE_URL: "postgresql://console@db/console",
      TICKET_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64"),
    });
    expect(settings.ticketKey?.length).toBe(32);
  });
});
