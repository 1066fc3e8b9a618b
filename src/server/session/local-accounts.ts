import { randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";
import type { ScryptOptions } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ROLES } from "../../shared/session";
import type { Role } from "../../shared/session";
import { VISIBLE_TEXT } from "../../shared/text";
import { ConfigError } from "../config-error";

/**
 * Local accounts (CONSOLE_USERS): one name, role and personal access code per person, for a
 * team without an OpenID Provider. Only a slow hash of each code is stored, as a self-describing
 * string, `scrypt$N=32768,r=8,p=1$<salt>$<key>` (base64url), so the cost can rise later
 * without breaking existing entries.
 */

/** OWASP's scrypt minimum is N=2^17 at r=8 for passwords; codes here are ≥ 12 random-ish characters and sign-in is throttled. */
const SCRYPT_COST = { N: 32_768, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
export const MIN_CODE_LENGTH = 12;

function scryptAsync(code: string, salt: Buffer, keylen: number, options: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(code.normalize("NFC"), salt, keylen, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N=32768, r=8. */
const maxmem = (N: number, r: number) => 128 * N * r * 2;

const COST = { ...SCRYPT_COST, maxmem: maxmem(SCRYPT_COST.N, SCRYPT_COST.r) };

function formatHash(salt: Buffer, key: Buffer): string {
  const { N, r, p } = SCRYPT_COST;
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function hashAccessCode(code: string): Promise<string> {
  const salt = randomBytes(16);
  return formatHash(salt, await scryptAsync(code, salt, KEY_BYTES, COST));
}

/** The same, synchronously: for a test setup that must write a users file before it returns. */
export function hashAccessCodeSync(code: string): string {
  const salt = randomBytes(16);
  return formatHash(salt, scryptSync(code.normalize("NFC"), salt, KEY_BYTES, COST));
}

const HASH_PATTERN = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([\w-]{16,})\$([\w-]{32,})$/;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(hash: string): ParsedHash | undefined {
  const match = HASH_PATTERN.exec(hash);
  if (!match) return undefined;
  const [N, r, p] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  // A power of two, and bounds that keep one check under a second and 1 GiB.
  if (N < 2 ** 14 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) {
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
  const { N, r, p } = hash;
  const key = await scryptAsync(code, hash.salt, hash.key.length, {
    N,
    r,
    p,
    maxmem: maxmem(N, r),
  });
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
  readonly #byName = new Map<string, { account: LocalAccount; hash: ParsedHash }>();
  /** Checked when no account has the name, so that an unknown name takes as long as a known one. */
  readonly #decoy: ParsedHash;

  constructor(entries: { name: string; role: Role; codeHash: string }[]) {
    for (const entry of entries) {
      this.#byName.set(nameKey(entry.name), {
        account: { name: entry.name, role: entry.role },
        hash: parseHash(entry.codeHash)!,
      });
    }
    const { N, r, p } = SCRYPT_COST;
    this.#decoy = { N, r, p, salt: randomBytes(16), key: randomBytes(KEY_BYTES) };
  }

  get size(): number {
    return this.#byName.size;
  }

  /** The account whose name this is (any case) when the code is its code; otherwise undefined. */
  async verify(name: string, code: string): Promise<LocalAccount | undefined> {
    const found = this.#byName.get(nameKey(name.trim()));
    const ok = await matches(code, found?.hash ?? this.#decoy);
    return ok && found ? found.account : undefined;
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
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConfigError([`CONSOLE_USERS: cannot read ${path}`]);
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
