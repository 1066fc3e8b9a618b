/**
 * A throwaway PostgreSQL server for tests and the bench: Debian's `postgresql` package, a new
 * cluster in a temporary folder on a free port, removed by stop(). PostgreSQL refuses to run as
 * root, so as root the cluster belongs to the `postgres` user and its commands run through
 * `runuser`. No mock and no in-process imitation: the real server, over TCP on loopback.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PostgresCluster {
  /** postgres://… of the cluster's own `postgres` database (for CREATE DATABASE). */
  adminUrl: string;
  port: number;
  /** A new empty database, and its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): void;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      "PostgreSQL's server is not installed (apt-get install -y postgresql; .ci/run does it), or set PG_BIN",
    );
  }
  return join(root, versions[0]!, "bin");
}

/** A TCP port nobody listens on right now, on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A new empty database on the server `adminUrl` points at; its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startPostgresCluster(
  options: { fsync?: boolean } = {},
): Promise<PostgresCluster> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", join(bin, command), ...args]]
      : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
    }
  };
  const dir = mkdtempSync(join(tmpdir(), "cfc-postgres-"));
  chmodSync(dir, 0o700);
  if (asRoot) execFileSync("chown", ["postgres:", dir]);
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c max_connections=200",
    // Tests create many databases; fsync matters only for a power loss, which no test makes.
    // The bench keeps it on, to measure real commits.
    `-c fsync=${options.fsync === false ? "off" : "on"}`,
  ].join(" ");
  run("pg_ctl", ["-D", data, "-o", settings, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let counter = 0;
  return {
    adminUrl,
    port,
    createDatabase: (name = `console_${process.pid}_${Date.now()}_${counter++}`) =>
      createDatabase(adminUrl, name),
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
