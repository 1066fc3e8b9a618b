/** Entry: read config, build the console, listen, and stop cleanly on SIGTERM or Ctrl+C. */
import { startConsole } from "./console";
import { ConfigError, parseSettings, readEnvironment } from "./config";
import { listen } from "./http/listen";
import { DatabaseInUseError } from "./db/database";

async function main(): Promise<void> {
  let settings;
  try {
    settings = parseSettings(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`ciba-fail-console cannot start. ${error.message}`);
    process.exit(1);
  }
  let built;
  try {
    built = await startConsole(settings);
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    console.error(`ciba-fail-console cannot start: ${error.message}`);
    process.exit(1);
  }
  // A library's stray promise must not stop the console in the middle of an incident: log it.
  process.on("unhandledRejection", (reason) => {
    built.logger.error({ err: reason }, "unhandled rejection (kept running)");
  });

  const server = await listen(
    built.app.fetch,
    settings.host,
    settings.port,
    settings.requestTimeouts,
  );
  // A wildcard address is reached on loopback (the lab posts notifications to itself).
  built.listeningAt(
    server.url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:"),
  );
  const address = settings.publicUrl ?? server.url;
  const signIn = settings.auth.method;
  console.log(`\n  ciba-fail-console ${built.version} is talking to ${built.target}.`);
  if (built.generatedAccessCode) {
    // Shown once, here, like Jupyter's token: it is never logged or sent anywhere else.
    console.log(
      `  Open ${address}/login?code=${built.generatedAccessCode} in your browser to sign in.`,
    );
    console.log(
      "  (The access code is new at every start; set CONSOLE_ACCESS_CODE to keep one.)\n",
    );
  } else if (signIn.mode === "local") {
    console.log(`  Open ${address}/ in your browser and sign in with CONSOLE_ACCESS_CODE.\n`);
  } else if (signIn.mode === "accounts") {
    console.log(
      `  Open ${address}/ in your browser and sign in with your account (CONSOLE_USERS: ${signIn.accounts.size} people).\n`,
    );
  } else {
    console.log(`  Open ${address}/ in your browser and sign in with ${signIn.issuer}.\n`);
  }
  console.log(`  Audit trail: ${built.database}\n`);
  // Prometheus scrapes this port by address; keep it off the public network (or set a token).
  const metricsServer =
    built.metricsApp && settings.metrics.port !== undefined
      ? await listen(built.metricsApp.fetch, settings.host, settings.metrics.port)
      : undefined;
  if (metricsServer) console.log(`  Metrics: ${metricsServer.url}/metrics\n`);

  // SIGTERM (a node drain, a rolling update): take no new requests, let calls in flight end
  // (at most AUTHLETE_TIMEOUT_MS) with their audit records, hand bulk jobs back, close the
  // database, exit 0. A second signal stops at once.
  const stop = (signal: string) => {
    built.logger.info({ signal }, "stopping: finishing calls in flight, handing bulk jobs back");
    process.once(signal, () => process.exit(1));
    const grace = settings.timeoutMs + 1000;
    void Promise.all([server.drain(grace), built.bulkRunner.stop(), metricsServer?.close()])
      .then(() => built.close())
      .then(() => {
        built.logger.info("stopped");
        process.exit(0);
      })
      .catch((error: unknown) => {
        built.logger.error({ err: error }, "could not stop cleanly");
        process.exit(1);
      });
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

await main();
