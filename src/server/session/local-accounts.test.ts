import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { parseSettings } from "../config";
import { ConfigError } from "../config-error";
import {
  FIXTURE_SCRYPT_COST,
  LocalAccounts,
  hashAccessCode,
  hashAccessCodeSync,
  readLocalAccounts,
} from "./local-accounts";

const folder = mkdtempSync(join(tmpdir(), "cfc-accounts-"));
function usersFile(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}
function problemsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("local accounts (CONSOLE_USERS)", () => {
  it("stores a self-describing scrypt hash, and checks codes against it, names ignoring case", async () => {
    const hash = await hashAccessCode("ada-secret-code-1");
    expect(hash).toMatch(/^scrypt\$N=131072,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain("ada-secret-code-1");
    const accounts = new LocalAccounts([
      { name: "Ada Lovelace", role: "supervisor", codeHash: hash },
    ]);
    expect(await accounts.verify("ada lovelace", " ada-secret-code-1 ")).toMatchObject({
      name: "Ada Lovelace",
      role: "supervisor",
    });
    expect(await accounts.verify("Ada Lovelace", "ada-secret-code-2")).toBeUndefined();
    expect(await accounts.verify("Grace", "ada-secret-code-1")).toBeUndefined();
    expect(LocalAccounts.subjectOf(" ADA LOVELACE ")).toBe("account:ada lovelace");
  });

  it("reads JSON or YAML, and stops the start on a duplicate name, a bad hash or a bad role", async () => {
    const hash = await hashAccessCode("grace-secret-code");
    const json = usersFile(
      "users.json",
      JSON.stringify({ users: [{ name: "Grace", role: "operator", codeHash: hash }] }),
    );
    expect(readLocalAccounts(json).size).toBe(1);
    const yaml = usersFile(
      "users.yaml",
      `users:\n  - name: Grace\n    role: viewer\n    codeHash: ${hash}\n  - name: grace\n    role: operator\n    codeHash: nope\n  - name: "\u200b"\n    role: admin\n    codeHash: ${hash}\n`,
    );
    const problems = problemsOf(() => readLocalAccounts(yaml));
    expect(problems.join("\n")).toMatch(
      /users\.1\.codeHash: must be a hash made by npm run add-user/,
    );
    expect(problems.join("\n")).toMatch(/users\.2\.name: a name has no control or invisible/);
    expect(problems.join("\n")).toMatch(
      /users\.2\.role: must be one of supervisor, operator, viewer/,
    );
    const duplicate = usersFile(
      "duplicate.yaml",
      `users:\n  - { name: Grace, role: viewer, codeHash: "${hash}" }\n  - { name: GRACE, role: operator, codeHash: "${hash}" }\n`,
    );
    expect(problemsOf(() => readLocalAccounts(duplicate))).toEqual([
      'CONSOLE_USERS: users.1.name: "GRACE" is already the name of users.0 (names are unique ignoring case)',
    ]);
  });

  it("cannot be combined with the shared access code or with OIDC", async () => {
    const path = usersFile(
      "one.json",
      JSON.stringify({
        users: [
          { name: "Grace", role: "operator", codeHash: await hashAccessCode("g-code-123456") },
        ],
      }),
    );
    expect(parseSettings({ CONSOLE_USERS: path }).auth.method.mode).toBe("accounts");
    expect(
      problemsOf(() =>
        parseSettings({ CONSOLE_USERS: path, CONSOLE_ACCESS_CODE: "shared-code-123456" }),
      ),
    ).toEqual([
      "CONSOLE_USERS: set CONSOLE_USERS (an account per person) or CONSOLE_ACCESS_CODE (one shared code), not both",
    ]);
  });

  it("npm run add-user reads the code from standard input and prints an entry the console accepts", () => {
    const made = spawnSync(
      "npx",
      ["tsx", "src/tools/add-user.ts", "--name", "Linus Ops", "--role", "supervisor"],
      { input: "linus-own-code-42\n", encoding: "utf8" },
    );
    expect(made.status).toBe(0);
    expect(made.stdout).not.toContain("linus-own-code-42");
    expect(made.stderr).not.toContain("linus-own-code-42");
    const entry = parseYaml(made.stdout) as [{ name: string; role: string; codeHash: string }];
    expect(entry[0]).toMatchObject({ name: "Linus Ops", role: "supervisor" });
    const path = usersFile("made.yaml", `users:\n${made.stdout}`);
    return expect(
      readLocalAccounts(path).verify("linus ops", "linus-own-code-42"),
    ).resolves.toMatchObject({
      name: "Linus Ops",
      role: "supervisor",
    });
  });

  it("npm run add-user refuses a short code or an unknown role, printing nothing to add", () => {
    const short = spawnSync("npx", ["tsx", "src/tools/add-user.ts", "--name", "Linus"], {
      input: "short\n",
      encoding: "utf8",
    });
    expect(short.status).toBe(2);
    expect(short.stdout).toBe("");
    expect(short.stderr).toContain("at least 12 characters");
    const role = spawnSync(
      "npx",
      ["tsx", "src/tools/add-user.ts", "--name", "Linus", "--role", "admin"],
      { input: "long-enough-code\n", encoding: "utf8" },
    );
    expect(role.status).toBe(2);
    expect(role.stderr).toContain("--role: must be one of supervisor, operator, viewer");
  });

  it("refuses weak codes, by add-user and as CONSOLE_ACCESS_CODE (issue 19, item 16)", () => {
    for (const weak of ["aaaaaaaaaaaa", "password1234", "abc111111111"]) {
      expect(problemsOf(() => parseSettings({ CONSOLE_ACCESS_CODE: weak })).join(), weak).toMatch(
        /CONSOLE_ACCESS_CODE/,
      );
    }
    expect(
      parseSettings({ CONSOLE_ACCESS_CODE: " tidal-orbit-lantern-42 " }).auth.method.mode,
    ).toBe("local");
    const common = spawnSync("npx", ["tsx", "src/tools/add-user.ts", "--name", "Linus"], {
      input: "password1234\n",
      encoding: "utf8",
    });
    expect(common.status).toBe(2);
    expect(common.stdout).toBe("");
    expect(common.stderr).toContain("similar to a commonly used password");
  });

  it("hashes the code add-user was given trimmed, as sign-in checks it", async () => {
    const hash = hashAccessCodeSync("  tidal-orbit-lantern-42\n", FIXTURE_SCRYPT_COST);
    const accounts = new LocalAccounts([{ name: "Ada", role: "operator", codeHash: hash }]);
    expect(await accounts.verify("Ada", "tidal-orbit-lantern-42")).toBeDefined();
  });

  it("refuses hash parameters that would cost more than 128 MiB per check", () => {
    const key = Buffer.alloc(32).toString("base64url");
    const salt = Buffer.alloc(16).toString("base64url");
    for (const params of ["N=4194304,r=8,p=1", "N=131072,r=32,p=1", "N=131072,r=8,p=16"]) {
      const path = usersFile(
        "costly.json",
        JSON.stringify({
          users: [{ name: "X", role: "viewer", codeHash: `scrypt$${params}$${salt}$${key}` }],
        }),
      );
      expect(problemsOf(() => readLocalAccounts(path)).join(), params).toMatch(/codeHash/);
    }
  });

  it("refuses a configuration file over 256 KiB, naming it (issue 19, item 20)", () => {
    const path = usersFile("huge.yaml", `# ${"x".repeat(300 * 1024)}\nusers: []\n`);
    expect(problemsOf(() => readLocalAccounts(path)).join()).toMatch(/huge\.yaml.*(KiB|bytes)/);
  });
});
