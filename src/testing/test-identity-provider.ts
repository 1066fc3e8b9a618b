/**
 * A real OpenID Provider for tests (the `oidc-provider` package, not a mock), with an
 * operator, a viewer, a supervisor, someone with no role and someone whose email is unverified. Its login page takes any password.
 * Run standalone (Playwright starts it) with: tsx src/server/test-identity-provider.ts
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import { pathToFileURL } from "node:url";
import Provider from "oidc-provider";

export const TEST_OIDC_CLIENT = { clientId: "ciba-fail-console", clientSecret: "test-oidc-secret" };

export const TEST_PEOPLE = {
  olivia: {
    name: "Olivia Operator",
    email: "olivia@example.com",
    email_verified: true,
    groups: ["cfc-operators"],
  },
  victor: {
    name: "Victor Viewer",
    email: "victor@example.com",
    email_verified: true,
    groups: ["cfc-auditors"],
  },
  mallory: { name: "Mallory", email: "mallory@example.com", email_verified: true, groups: [] },
  /** Claims an operator's address (OIDC_OPERATOR_EMAILS lists it) that the provider never verified. */
  uma: { name: "Uma Unverified", email: "uma@example.com", groups: [] },
  /** A display name with a right-to-left override, a newline and a formula (issue 19, item 10). */
  rita: {
    name: "Rita\u202e\n=1+1",
    email: "rita@example.com",
    email_verified: true,
    groups: ["cfc-operators"],
  },
  sam: {
    name: "Sam Supervisor",
    email: "sam@example.com",
    email_verified: true,
    groups: ["cfc-supervisors"],
  },
} as const;

/** The role rules that go with TEST_PEOPLE. */
export const TEST_ROLE_GROUPS = {
  supervisor: "cfc-supervisors",
  operator: "cfc-operators",
  viewer: "cfc-auditors",
};
/** An address rule: it matches uma@example.com, whose address is not verified. */
export const TEST_OPERATOR_EMAILS = "uma@example.com";

const SCOPES = "openid email profile groups";

export function createIdentityProvider(issuer: string, redirectUris: string[]): Provider {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_OIDC_CLIENT.clientId,
        client_secret: TEST_OIDC_CLIENT.clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
      groups: ["groups"],
    },
    scopes: SCOPES.split(" "),
    // The console reads who signed in from the ID token itself.
    conformIdTokenClaims: false,
    cookies: { keys: ["test-only-cookie-key"] },
    findAccount(_ctx, id) {
      const person = TEST_PEOPLE[id as keyof typeof TEST_PEOPLE];
      if (!person) return Promise.resolve(undefined);
      return Promise.resolve({
        accountId: id,
        claims: () => ({ sub: id, ...person, groups: [...person.groups] }),
      });
    },
    // A first-party console: no consent screen, the grant is given on sign-in.
    async loadExistingGrant(ctx) {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({
        clientId: client.clientId,
        accountId: session.accountId,
      });
      grant.addOIDCScope(SCOPES);
      grant.addOIDCClaims(["email", "email_verified", "name", "groups"]);
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: true } },
  });
  return provider;
}

export function startIdentityProvider(
  port: number,
  redirectUris: string[],
): Promise<{ issuer: string; server: Server }> {
  return new Promise((resolve) => {
    // "localhost", not 127.0.0.1: a different site from the console, as a real provider is.
    const server = createServer();
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      const issuer = `http://localhost:${actualPort}`;
      const handle = createIdentityProvider(issuer, redirectUris).callback();
      server.on("request", (request, response) => void handle(request, response));
      resolve({ issuer, server });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const port = Number(process.argv[2] ?? 9400);
  const redirectUris = (process.argv[3] ?? "").split(",").filter(Boolean);
  const { issuer } = await startIdentityProvider(port, redirectUris);
  console.log(`test identity provider at ${issuer}`);
}
