import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { sessionSchema } from "../../shared/session";
import { createPostgresDatabase } from "../../testing/test-databases";
import { freePort, startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";
import {
  TEST_OIDC_CLIENT,
  TEST_OPERATOR_EMAILS,
  TEST_ROLE_GROUPS,
  startIdentityProvider,
} from "../../testing/test-identity-provider";

/**
 * The whole authorization code + PKCE flow against a real provider, over HTTP, with a cookie
 * jar per site standing in for the browser (Playwright repeats it in Chromium).
 */
let provider: { issuer: string; server: Server };
let running: ConsoleUnderTest;
let redirectUri: string;
/** The callback of the first of two PostgreSQL replicas (item 3 of issue 19). */
let pairPort: number;
let pairRedirectUri: string;

beforeAll(async () => {
  // Each must know the other's address before either starts.
  const [consolePort, providerPort] = [await freePort(), await freePort()];
  pairPort = await freePort();
  redirectUri = `http://127.0.0.1:${consolePort}/auth/oidc/callback`;
  pairRedirectUri = `http://127.0.0.1:${pairPort}/auth/oidc/callback`;
  provider = await startIdentityProvider(providerPort, [redirectUri, pairRedirectUri]);
  running = await startConsole({
    port: consolePort,
    env: oidcEnv(redirectUri),
  });
});

function oidcEnv(callback: string): Record<string, string> {
  return {
    AUTH_MODE: "oidc",
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: TEST_OIDC_CLIENT.clientId,
    OIDC_CLIENT_SECRET: TEST_OIDC_CLIENT.clientSecret,
    OIDC_REDIRECT_URI: callback,
    OIDC_SCOPES: "openid email profile groups",
    OIDC_SUPERVISOR_GROUPS: TEST_ROLE_GROUPS.supervisor,
    OIDC_OPERATOR_GROUPS: TEST_ROLE_GROUPS.operator,
    OIDC_OPERATOR_EMAILS: TEST_OPERATOR_EMAILS,
    OIDC_VIEWER_GROUPS: TEST_ROLE_GROUPS.viewer,
  };
}

afterAll(async () => {
  await running.close();
  provider.server.closeAllConnections();
  await new Promise<void>((resolve) => provider.server.close(() => resolve()));
});

/** A browser's cookie handling, reduced to what this flow needs: one jar per origin. */
class Browser {
  readonly jars = new Map<string, Map<string, string>>();
  /**
   * Origins that share one jar: two replicas behind one proxy are one site to a browser (and
   * cookies ignore ports), so `{ [replica2]: replica1 }` sends replica 1's cookies to replica 2.
   */
  constructor(private readonly sameSite: Record<string, string> = {}) {}

  /** Every Set-Cookie header received, as sent, to check cookie attributes. */
  readonly setCookies: string[] = [];

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const origin = this.sameSite[new URL(url).origin] ?? new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    const headers = new Headers(init.headers);
    headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      this.setCookies.push(cookie);
      const [pair] = cookie.split(";");
      const [name, value] = pair!.split("=") as [string, string];
      if (value === "" || /max-age=0|expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects until a page answers, or the console is reached with `stopAt`. */
  async follow(url: string, stopAt?: string): Promise<{ url: string; response: Response }> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      if (stopAt && current.startsWith(stopAt)) return { url: current, response: new Response() };
      const response = await this.go(current);
      const location = response.headers.get("location");
      if (!location) return { url: current, response };
      current = new URL(location, current).href;
    }
    throw new Error("too many redirects");
  }
}

async function signInAs(
  login: string,
  startAt = running.url,
  browser = new Browser(),
): Promise<{ browser: Browser; landing: string }> {
  // The console → the provider's login page.
  const loginPage = await browser.follow(`${startAt}/auth/oidc/login`);
  expect(loginPage.url.startsWith(provider.issuer)).toBe(true);
  const html = await loginPage.response.text();
  const action = /action="([^"]+)"/.exec(html)![1]!;
  // The provider's form → back to the console's callback → the console's page.
  const submitted = await browser.go(new URL(action, loginPage.url).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ prompt: "login", login, password: "any" }).toString(),
  });
  const back = await browser.follow(
    new URL(submitted.headers.get("location")!, loginPage.url).href,
  );
  return { browser, landing: back.url };
}

function sessionCookie(browser: Browser): string | undefined {
  const value = browser.jars.get(running.url)?.get("cfc_session");
  return value ? `cfc_session=${value}` : undefined;
}

describe("OpenID Connect sign-in", () => {
  it("signs an operator in with name and email from the ID token", async () => {
    const { browser, landing } = await signInAs("olivia");
    expect(landing).toBe(`${running.url}/`);
    running.useCookie(sessionCookie(browser));
    const session = await running.get("/api/session");
    expect(sessionSchema.parse(session.json)).toEqual({
      name: "Olivia Operator",
      email: "olivia@example.com",
      nameVerified: true,
      role: "operator",
    });
    const method = await running.get("/api/session/method");
    expect(method.json).toEqual({ mode: "oidc" });
  });

  it("signs a viewer in, who may read the audit trail but not fail tickets", async () => {
    const { browser } = await signInAs("victor");
    running.useCookie(sessionCookie(browser));
    expect((await running.get("/api/session")).json).toMatchObject({ role: "viewer" });
    expect((await running.get("/api/audit")).status).toBe(200);
    const fail = await running.post("/api/backchannel/authentication/fail", {
      serviceId: "1000000001",
      backchannelAuthenticationFailRequest: { ticket: "t", reason: "ACCESS_DENIED" },
    });
    expect(fail.status).toBe(403);
  });

  it("refuses someone with no allowed email or group, and records it", async () => {
    const { browser, landing } = await signInAs("mallory");
    expect(landing).toBe(`${running.url}/login?error=not-allowed`);
    expect(sessionCookie(browser)).toBeUndefined();
    const { browser: viewer } = await signInAs("victor");
    running.useCookie(sessionCookie(viewer));
    const page = auditPageSchema.parse((await running.get("/api/audit?kind=sign-in")).json);
    // The newest record is victor's own sign-in to read the page; mallory's refusal is just before it.
    expect(page.events[1]).toMatchObject({
      outcome: "forbidden",
      operator: "mallory@example.com",
      detail: "no allowed email or group",
    });
    expect(page.events.filter((e) => e.outcome === "succeeded").map((e) => e.email)).toEqual([
      "victor@example.com",
      "victor@example.com",
      "olivia@example.com",
    ]);
  });

  it("does not match an email rule when the provider has not verified the address", async () => {
    const { browser, landing } = await signInAs("uma");
    expect(landing).toBe(`${running.url}/login?error=not-allowed`);
    expect(sessionCookie(browser)).toBeUndefined();
  });

  it("signs a supervisor in by group, above the operator role", async () => {
    const { browser } = await signInAs("sam");
    running.useCookie(sessionCookie(browser));
    expect((await running.get("/api/session")).json).toMatchObject({
      name: "Sam Supervisor",
      role: "supervisor",
      nameVerified: true,
    });
  });

  it("refuses a callback that no sign-in in this browser started (login CSRF)", async () => {
    const victim = new Browser();
    const answer = await victim.go(`${redirectUri}?code=stolen&state=x&iss=${provider.issuer}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/login?error=failed");
    expect(sessionCookie(victim)).toBeUndefined();
  });

  it("keeps the pending sign-in in a Lax cookie and the session in a Strict one", async () => {
    const browser = new Browser();
    const started = await browser.go(`${running.url}/auth/oidc/login`);
    expect(started.status).toBe(303);
    const pending = started.headers.getSetCookie().find((c) => c.startsWith("cfc_oidc="));
    expect(pending).toMatch(/HttpOnly/);
    expect(pending).toMatch(/SameSite=Lax/);
    const location = new URL(started.headers.get("location")!);
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("nonce")).toBeTruthy();

    const { browser: signedIn } = await signInAs("olivia");
    const session = signedIn.setCookies.find((c) => c.startsWith("cfc_session="));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
  });
});

describe("OpenID Connect sign-in under real use (issue 19)", () => {
  it("finishes on one PostgreSQL replica a sign-in started on the other, through the real provider", async () => {
    const databaseUrl = await createPostgresDatabase();
    const first = await startConsole({
      databaseUrl,
      port: pairPort,
      env: oidcEnv(pairRedirectUri),
    });
    const second = await startConsole({ databaseUrl, env: oidcEnv(pairRedirectUri) });
    try {
      // One site to the browser: started on the second replica, the provider returns to the first.
      const browser = new Browser({ [second.url]: first.url });
      const { landing } = await signInAs("olivia", second.url, browser);
      expect(landing).toBe(`${first.url}/`);
      const cookie = browser.jars.get(first.url)?.get("cfc_session");
      expect(cookie).toBeTruthy();
      for (const replica of [first, second]) {
        replica.useCookie(`cfc_session=${cookie}`);
        expect((await replica.get("/api/session")).json).toMatchObject({ role: "operator" });
      }
    } finally {
      await second.close();
      await first.close();
    }
  });

  it("never locks anyone out for callbacks nobody started, or refusals the provider made", async () => {
    const stranger = new Browser();
    for (let i = 0; i < 12; i++) {
      const answer = await stranger.go(`${redirectUri}?error=access_denied&state=x${i}`);
      expect(answer.headers.get("location")).toBe("/login?error=failed");
    }
    // Same address (127.0.0.1), well past the 10 wrong attempts that lock sign-in.
    const { landing } = await signInAs("olivia");
    expect(landing).toBe(`${running.url}/`);
  });

  it("keeps at most 20 pending sign-ins per address, the oldest dropped", async () => {
    const browser = new Browser();
    const first = await signInStarted(browser);
    for (let i = 0; i < 20; i++) await new Browser().go(`${running.url}/auth/oidc/login`);
    // The first browser's pending sign-in was the oldest of 21: its return is refused.
    const back = await finishAt(browser, first);
    expect(back.url).toBe(`${running.url}/login?error=failed`);
  });

  it("takes a display name only as visible text, else the verified email", async () => {
    const { browser } = await signInAs("rita");
    running.useCookie(sessionCookie(browser));
    const session = sessionSchema.parse((await running.get("/api/session")).json);
    expect(session.name).toBe("rita@example.com");
  });
});

/** Starts a sign-in in `browser` and returns the provider's login page. */
async function signInStarted(browser: Browser) {
  return browser.follow(`${running.url}/auth/oidc/login`);
}

/** Logs in as olivia at the provider's page and follows the redirects back. */
async function finishAt(browser: Browser, loginPage: { url: string; response: Response }) {
  const html = await loginPage.response.text();
  const action = /action="([^"]+)"/.exec(html)![1]!;
  const submitted = await browser.go(new URL(action, loginPage.url).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ prompt: "login", login: "olivia", password: "any" }).toString(),
  });
  return browser.follow(new URL(submitted.headers.get("location")!, loginPage.url).href);
}
