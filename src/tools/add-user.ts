/**
 * `npm run add-user -- --name "Alice Example" --role operator`: makes one CONSOLE_USERS entry.
 * The person's access code is read from a prompt (typed twice, not echoed) or, when standard
 * input is not a terminal, from its first line, so a script can pipe it in. The entry goes to
 * standard output; nothing else is written there, and the code is never printed.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ROLES } from "../shared/session";
import type { Role } from "../shared/session";
import { weakCodeReason } from "../server/session/code-strength";
import { accountNameSchema, hashAccessCode } from "../server/session/local-accounts";

const USAGE = `Usage: npm run add-user -- --name "Alice Example" [--role operator] [--json]
  --role   ${ROLES.join(", ")} (default: operator)
  --json   print the entry as JSON instead of YAML
The access code is asked for twice, or read from standard input: echo "$CODE" | npm run add-user -- --name …`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const terminal = createInterface({
      input: process.stdin,
      output: process.stderr,
      terminal: true,
    });
    const output = terminal as unknown as { _writeToOutput: (text: string) => void };
    let asking = true;
    output._writeToOutput = (text: string) => {
      if (asking) process.stderr.write(text);
    };
    terminal.question(question, (answer) => {
      terminal.close();
      process.stderr.write("\n");
      resolve(answer);
    });
    asking = false;
  });
}

async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

async function readCode(): Promise<string> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const code = await promptHidden("Access code for this person: ");
  const again = await promptHidden("The same code again: ");
  if (code !== again) fail("The two codes differ; nothing was made.");
  return code;
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        name: { type: "string" },
        role: { type: "string", default: "operator" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const name = accountNameSchema.safeParse(values.name ?? "");
  if (!name.success) fail(`--name: ${name.error.issues[0]!.message}`);
  if (!(ROLES as readonly string[]).includes(values.role)) {
    fail(`--role: must be one of ${ROLES.join(", ")}`);
  }
  const code = await readCode();
  const weak = weakCodeReason(code);
  if (weak !== undefined) fail(`The access code ${weak}; nothing was made.`);
  const entry = {
    name: name.data,
    role: values.role as Role,
    codeHash: await hashAccessCode(code),
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(entry, null, 2)}\n`
      : stringify({ users: [entry] }).replace(/^users:\n/, ""),
  );
  process.stderr.write(
    `Add this entry under "users:" in the CONSOLE_USERS file (names are unique ignoring case), then restart the console.\n`,
  );
}

await main();
