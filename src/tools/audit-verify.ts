/**
 * `npm run audit:verify [-- --checkpoints FILE] [--public-key FILE] [--export FILE] [--json]`:
 * checks the audit chain of the database the console's settings name (DATABASE_URL, else
 * AUDIT_DB), or of a full JSON export, and exits 0 when every record verifies, 1 naming the
 * first that does not, 2 when it cannot run. It reads a database a page at a time, so its memory
 * does not grow with the trail (an export is read whole).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createPublicKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readEnvironment } from "../server/config";
import { databaseSettings } from "../server/db/settings";
import { openForReading } from "../server/db/database";
import { auditChainSettings } from "../server/audit-chain/settings";
import { readCheckpoints, readKey } from "../server/audit-chain/checkpoints";
import { verifyChain } from "../server/audit-chain/verify-chain";
import { verifyExport } from "../server/audit-chain/verify-export";
import type { AuditEvent } from "../shared/audit";

const USAGE = `Usage: npm run audit:verify -- [--checkpoints FILE] [--public-key FILE] [--export FILE] [--json]
  --checkpoints  the signed checkpoints (AUDIT_CHECKPOINT_FILE, or those the stream delivered)
  --public-key   the checkpoints' Ed25519 public key, PEM (default: from AUDIT_SIGNING_KEY[_FILE])
  --export       a full JSON export of the Audit log (no filter) instead of the database
Reads DATABASE_URL, else AUDIT_DB, as the console does.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        checkpoints: { type: "string" },
        "public-key": { type: "string" },
        export: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();

const env = readEnvironment();
const database = databaseSettings.safeParse(env);
if (!database.success) fail(`Invalid database settings: ${database.error.issues[0]?.message}`);
let publicKey: KeyObject | undefined;
if (values["public-key"]) {
  publicKey = readKey(values["public-key"], "public");
} else if (values.checkpoints) {
  const chain = auditChainSettings.safeParse(env);
  const signing = chain.success ? chain.data.auditChain.checkpoints?.signingKey : undefined;
  if (!signing) fail("--checkpoints needs --public-key, or AUDIT_SIGNING_KEY[_FILE] to derive it.");
  publicKey = createPublicKey(signing);
}

const exported = values.export;
const opened = exported
  ? undefined
  : (() => {
      try {
        return openForReading({ url: database.data.databaseUrl, path: database.data.auditDbPath });
      } catch (error) {
        return fail(`Cannot open ${database.data.auditDbPath}: ${(error as Error).message}`);
      }
    })();
try {
  const started = performance.now();
  const options = {
    checkpoints: values.checkpoints ? readCheckpoints(values.checkpoints) : undefined,
    publicKey,
  };
  const report = opened
    ? await verifyChain(opened.db, options)
    : await verifyExport(readExport(exported!), options);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...report, seconds: Number(seconds) })}\n`);
  } else if (report.ok) {
    process.stdout.write(
      `The audit chain verifies: ${report.verified} records, head ${report.head.hash.slice(0, 16)}…, ` +
        `${report.checkpoints.matched} of ${report.checkpoints.given} checkpoints matched (${seconds} s).` +
        (report.unsealed > 0
          ? ` ${report.unsealed} closed records are not in the chain yet.`
          : "") +
        "\n",
    );
  } else {
    process.stdout.write(
      `The audit chain does NOT verify: ${report.problem!.what}. ${report.verified} records verified before it.\n`,
    );
  }
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await opened?.close();
}

function readExport(path: string): AuditEvent[] {
  try {
    const events: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (!Array.isArray(events)) throw new Error("not a JSON array");
    return events as AuditEvent[];
  } catch (error) {
    return fail(`Cannot read the export ${path}: ${(error as Error).message}`);
  }
}
