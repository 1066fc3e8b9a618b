import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { freePort } from "./test-harness";

/** Polls until `check` holds, for at most `withinMs`; the time it took. */
export async function until(
  withinMs: number,
  check: () => boolean | Promise<boolean>,
  what: string,
): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

export interface MainProcess {
  process: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/**
 * The console as `npm start` runs it (src/server/main.ts), in a process of its own, so that a
 * test can stop it as a node would: SIGTERM, or SIGKILL.
 */
export async function mainProcess(env: Record<string, string>): Promise<MainProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: { HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  await until(
    20_000,
    () =>
      fetch(`${url}/healthz`).then(
        (answer) => answer.ok,
        () => false,
      ),
    `main.ts listening (${stderr})`,
  );
  return { process: child, url, exited };
}
