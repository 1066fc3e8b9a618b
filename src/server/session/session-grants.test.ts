import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { SqlSessionStore } from "../identity/session-store";
import { openTestDatabase, storeOf } from "../../testing/test-databases";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";
import { FIXTURE_SCRYPT_COST, hashAccessCodeSync } from "./local-accounts";
import { oidcGrant } from "./session-grants";
import type { RoleRules } from "./oidc";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cfc-grants-"));
  dirs.push(dir);
  return dir;
}

type Person = { name: string; role: string; code: string };
/** One hash per code (each hash has its own salt): an unchanged entry stays byte for byte. */
const hashes = new Map<string, string>();
function hashOf(code: string): string {
  if (!hashes.has(code)) hashes.set(code, hashAccessCodeSync(code, FIXTURE_SCRYPT_COST));
  return hashes.get(code)!;
}
function writeUsers(path: string, people: Person[]): void {
  const users = people.map(({ name, role, code }) => ({ name, role, codeHash: hashOf(code) }));
  writeFileSync(path, JSON.stringify({ users }));
}

/** Signs each person in on `running` and returns their cookies by name. */
async function cookiesOf(running: ConsoleUnderTest, people: Person[]) {
  const cookies: Record<string, string | undefined> = {};
  for (const person of people) {
    expect((await running.signInWith(person.name, person.code)).status).toBe(200);
    cookies[person.name] = running.cookie();
  }
  return cookies;
}

async function statusWith(running: ConsoleUnderTest, cookie: string | undefined) {
  running.useCookie(cookie);
  return (await running.get("/api/session")).status;
}

const ADA = { name: "Ada", role: "supervisor", code: "ada-long-secret-code-1" };
const BOB = { name: "Bob", role: "operator", code: "bob-long-secret-code-2" };
const CY = { name: "Cy", role: "operator", code: "cy-long-secret-code-33" };
const EVE = { name: "Eve", role: "operator", code: "eve-long-secret-code-4" };

describe("sessions follow the accounts (issue 19, item 1)", () => {
  it("ends, at the next start, the sessions of someone removed, given another role or another code", async () => {
    const dir = tempDir();
    const users = join(dir, "users.json");
    const databasePath = join(dir, "console.db");
    writeUsers(users, [ADA, BOB, CY, EVE]);
    const options = { databasePath, signedIn: false, env: { CONSOLE_USERS: users } };
    let running = await startConsole(options);
    const cookies = await cookiesOf(running, [ADA, BOB, CY, EVE]);
    await running.close();

    writeUsers(users, [ADA, { ...CY, role: "viewer" }, { ...EVE, code: "eve-new-secret-code-5" }]);
    running = await startConsole(options);
    try {
      expect(await statusWith(running, cookies.Ada)).toBe(200);
      expect(await statusWith(running, cookies.Bob)).toBe(401);
      expect(await statusWith(running, cookies.Cy)).toBe(401);
      expect(await statusWith(running, cookies.Eve)).toBe(401);
      expect(running.logLines.join("\n")).toMatch(/"ended":3/);
      // Cy signs in again and gets the new role.
      expect((await running.signInWith("Cy", CY.code)).json).toMatchObject({ role: "viewer" });
    } finally {
      await running.close();
    }
  });

  it("ends every session granted by the shared code once the code changes, and none otherwise", async () => {
    const dir = tempDir();
    const databasePath = join(dir, "console.db");
    let running = await startConsole({ databasePath });
    const cookie = running.cookie();
    await running.close();
    running = await startConsole({ databasePath });
    expect(await statusWith(running, cookie)).toBe(200);
    await running.close();
    running = await startConsole({
      databasePath,
      signedIn: false,
      env: { CONSOLE_ACCESS_CODE: "another-shared-code-987" },
    });
    try {
      expect(await statusWith(running, cookie)).toBe(401);
    } finally {
      await running.close();
    }
  });

  it("lets a supervisor sign one person or everyone out, recorded; others are refused and recorded", async () => {
    const dir = tempDir();
    const users = join(dir, "users.json");
    writeUsers(users, [ADA, BOB, CY]);
    const running = await startConsole({ signedIn: false, env: { CONSOLE_USERS: users } });
    try {
      const cookies = await cookiesOf(running, [ADA, BOB, CY]);
      running.useCookie(cookies.Bob);
      expect((await running.post("/api/session/sign-out", { everyone: true })).status).toBe(403);
      expect(await statusWith(running, cookies.Cy)).toBe(200);

      running.useCookie(cookies.Ada);
      const one = await running.post("/api/session/sign-out", { name: " bob " });
      expect(one).toMatchObject({ status: 200, json: { ended: 1 } });
      expect(await statusWith(running, cookies.Bob)).toBe(401);
      expect(await statusWith(running, cookies.Cy)).toBe(200);

      running.useCookie(cookies.Ada);
      expect((await running.post("/api/session/sign-out", { name: "" })).status).toBe(400);
      const all = await running.post("/api/session/sign-out", { everyone: true });
      expect(all).toMatchObject({ status: 200, json: { ended: 2 } });
      expect(await statusWith(running, cookies.Cy)).toBe(401);
      expect(await statusWith(running, cookies.Ada)).toBe(401);

      await running.signInWith(ADA.name, ADA.code);
      const page = auditPageSchema.parse((await running.get("/api/audit?kind=sign-out")).json);
      expect(page.events.map((e) => [e.operator, e.outcome, e.detail])).toEqual([
        ["Ada", "succeeded", "signed out everyone: 2 sessions ended"],
        ["Ada", "succeeded", "signed out bob: 1 session ended"],
        ["Bob", "forbidden", "needs the supervisor role"],
      ]);
    } finally {
      await running.close();
    }
  });
});

describe("OpenID Connect sessions at start", () => {
  const rules = (changes: Partial<RoleRules>): RoleRules => ({
    supervisorEmails: [],
    supervisorGroups: [],
    operatorEmails: ["victor@example.com"],
    viewerEmails: [],
    groupsClaim: "groups",
    operatorGroups: ["ops"],
    viewerGroups: [],
    ...changes,
  });

  it("computes the role again from the stored claims and the current OIDC_* lists", async () => {
    const database = await openTestDatabase("sqlite");
    try {
      const store = storeOf(database);
      const limits = { idleMs: 3_600_000, absoluteMs: 43_200_000 };
      const before = new SqlSessionStore(store, limits, oidcGrant(rules({})));
      const claims = { sub: "v", email: "victor@example.com", email_verified: true, groups: [] };
      const victor = await before.create({
        name: "Victor",
        email: "victor@example.com",
        role: "operator",
        subject: "oidc:v",
        grant: { claims },
      });
      const olivia = await before.create({
        name: "Olivia",
        email: "olivia@example.com",
        role: "operator",
        subject: "oidc:o",
        grant: { claims: { ...claims, sub: "o", email: "olivia@example.com", groups: ["ops"] } },
      });
      // Victor moves to the viewers; the ops group is no longer allowed at all.
      const after = new SqlSessionStore(
        store,
        limits,
        oidcGrant(
          rules({ operatorEmails: [], viewerEmails: ["victor@example.com"], operatorGroups: [] }),
        ),
      );
      expect(await after.recheckAll()).toEqual({ ended: 1, roleChanged: 1 });
      expect(await after.touch(victor)).toMatchObject({ role: "viewer" });
      expect(await after.touch(olivia)).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
