import { randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";
import type { ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";
import PQueue from "p-queue";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ROLES } from "../../shared/session";
import type { Role } from "../../shared/session";
import { VISIBLE_TEXT } from "../../shared/text";
import { ConfigError } from "../config-error";
import { FileTooLargeError, readConfigFile } from "../config-file";
import { accountFingerprint } from "./session-grants";

/**
 * Local accounts (CONSOLE_USERS): one name, role and personal access code per person, for a
 * team without an OpenID Provider. Only a slow hash of each code is stored, as a self-describing
 * string, `scrypt$N=131072,r=8,p=1$<salt>$<key>` (base64url), so the cost can rise later
 * without breaking existing entries. Codes are trimmed before hashing and before checking.
 */

/** OWASP's scrypt recommendation for passwords: N=2^17, r=8, p=1 (128 MiB per check). */
export const SCRYPT_COST = { N: 2 ** 17, r: 8, p: 1 } as const;
/** Test fixtures' cost: cheap, and named in the hash like any other. */
export const FIXTURE_SCRYPT_COST = { N: 2 ** 12, r: 8, p: 1 } as const;
type ScryptCost = { N: number; r: number; p: number };
const KEY_BYTES = 32;

/** scrypt needs 128·N·r bytes; a little over that is the cap Node enforces. */
const maxmem = (N: number, r: number) => 128 * N * r + 1024 * 1024;

/**
 * Checks in flight per process: each takes 128 MiB and a core for a fraction of a second, so a
 * burst of sign-ins queues here instead of taking the memory of the whole machine.
 */
const checks = new PQueue({ concurrency: availableParallelism() });

function scryptAsync(code: string, salt: Buffer, keylen: number, cost: ScryptCost) {
  const options: ScryptOptions = { ...cost, maxmem: maxmem(cost.N, cost.r) };
  return checks.add(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(normalized(code), salt, keylen, options, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );
}

const normalized = (code: string) => code.trim().normalize("NFC");

function formatHash({ N, r, p }: ScryptCost, salt: Buffer, key: Buffer): string {
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function hashAccessCode(code: string): Promise<string> {
  const salt = randomBytes(16);
  return formatHash(SCRYPT_COST, salt, await scryptAsync(code, salt, KEY_BYTES, SCRYPT_COST));
}

/** The same, synchronously: for a test setup that must write a users file before it returns. */
export function hashAccessCodeSync(code: string, cost: ScryptCost = SCRYPT_COST): string {
  const salt = randomBytes(16);
  const key = scryptSync(normalized(code), salt, KEY_BYTES, {
    ...cost,
    maxmem: maxmem(cost.N, cost.r),
  });
  return formatHash(cost, salt, key);
}

const HASH_PATTERN = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([\w-]{16,64})\$([\w-]{32,128})$/;

interface ParsedHash extends ScryptCost {
  salt: Buffer;
  key: Buffer;
}

function parseHash(hash: string): ParsedHash | undefined {
  const match = HASH_PATTERN.exec(hash);
  if (!match) return undefined;
  const [N, r, p] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  // A power of two, at most OWASP's cost: one check takes at most 128 MiB (N·r ≤ 2^20) and
  // p ≤ 2 times its time. Fixtures may be cheaper (N ≥ 2^12).
  if (N < 2 ** 12 || (N & (N - 1)) !== 0 || r < 1 || r > 8 || N * r > 2 ** 20 || p < 1 || p > 2) {
    return undefined;
  }
  return {
    N,
    r,
    p,
    salt: Buffer.from(match[4]!, "base64url"),
    key: Buffer.from(match[5]!, "base64url"),
  };
}

async function matches(code: string, hash: ParsedHash): Promise<boolean> {
  const key = await scryptAsync(code, hash.salt, hash.key.length, hash);
  return timingSafeEqual(key, hash.key);
}

export interface LocalAccount {
  name: string;
  role: Role;
}

const accountNameSchema = z
  .string()
  .trim()
  .min(1, "a name is required")
  .max(100, "a name is at most 100 characters")
  .regex(VISIBLE_TEXT, "a name has no control or invisible formatting characters");

const usersFileSchema = z.strictObject({
  users: z
    .array(
      z.strictObject({
        name: accountNameSchema,
        role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
        codeHash: z.string().refine((hash) => parseHash(hash) !== undefined, {
          message: "must be a hash made by npm run add-user (scrypt$N=…,r=…,p=…$salt$key)",
        }),
      }),
    )
    .min(1, "lists no one: add people with npm run add-user"),
});

/** How names compare: ignoring case and Unicode composition ("Alice" is "alice"). */
function nameKey(name: string): string {
  return name.normalize("NFC").toLocaleLowerCase("en");
}

export class LocalAccounts {
  readonly #byName = new Map<
    string,
    { account: LocalAccount; hash: ParsedHash; fingerprint: string }
  >();
  /** Checked when no account has the name, so that an unknown name takes as long as a known one. */
  readonly #decoy: ParsedHash;

  constructor(entries: { name: string; role: Role; codeHash: string }[]) {
    for (const entry of entries) {
      this.#byName.set(nameKey(entry.name), {
        account: { name: entry.name, role: entry.role },
        hash: parseHash(entry.codeHash)!,
        fingerprint: accountFingerprint(entry.role, entry.codeHash),
      });
    }
    const { N, r, p } = SCRYPT_COST;
    this.#decoy = { N, r, p, salt: randomBytes(16), key: randomBytes(KEY_BYTES) };
  }

  get size(): number {
    return this.#byName.size;
  }

  /**
   * The account whose name this is (any case) when the code is its code, with its entry's
   * fingerprint for the session; otherwise undefined.
   */
  async verify(
    name: string,
    code: string,
  ): Promise<(LocalAccount & { fingerprint: string }) | undefined> {
    const found = this.#byName.get(nameKey(name.trim()));
    const ok = await matches(code, found?.hash ?? this.#decoy);
    return ok && found ? { ...found.account, fingerprint: found.fingerprint } : undefined;
  }

  /** The current entry of a session's account ("account:<name>"), if it is still there. */
  bySubject(subject: string): { role: Role; fingerprint: string } | undefined {
    if (!subject.startsWith("account:")) return undefined;
    const found = this.#byName.get(subject.slice("account:".length));
    return found && { role: found.account.role, fingerprint: found.fingerprint };
  }

  /** The key the throttle and the records use for this account: its name ignoring case. */
  static subjectOf(name: string): string {
    return `account:${nameKey(name.trim())}`;
  }
}

/** Reads CONSOLE_USERS (JSON or YAML); every problem stops the start, naming the entry. */
export function readLocalAccounts(path: string): LocalAccounts {
  let text: string;
  try {
    text = readConfigFile(path);
  } catch (error) {
    const why = error instanceof FileTooLargeError ? error.message : `cannot read ${path}`;
    throw new ConfigError([`CONSOLE_USERS: ${why}`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text); // YAML is a superset of JSON: one parser reads both.
  } catch (error) {
    throw new ConfigError([
      `CONSOLE_USERS: ${path} is not JSON or YAML (${(error as Error).message.split("\n")[0]})`,
    ]);
  }
  const parsed = usersFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `CONSOLE_USERS: ${issue.path.map(String).join(".") || "the file"}: ${issue.message}`,
      ),
    );
  }
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const [index, user] of parsed.data.users.entries()) {
    const earlier = seen.get(nameKey(user.name));
    if (earlier !== undefined) {
      problems.push(
        `CONSOLE_USERS: users.${index}.name: "${user.name}" is already the name of ${earlier} (names are unique ignoring case)`,
      );
    }
    seen.set(nameKey(user.name), `users.${index}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new LocalAccounts(parsed.data.users);
}

export { accountNameSchema };
