/** Entry: read config, build the console, listen, and stop cleanly on SIGTERM or Ctrl+C. */
import { buildConsole } from "./console";
import { ConfigError, parseSettings, readEnvironment } from "./config";
import { listen } from "./listen";

async function main(): Promise<void> {
  let settings;
  try {
    settings = parseSettings(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`ciba-fail-console cannot start. ${error.message}`);
    process.exit(1);
  }
  const built = await buildConsole(settings);
  // A library's stray promise must not stop the console in the middle of an incident: log it.
  process.on("unhandledRejection", (reason) => {
    built.logger.error({ err: reason }, "unhandled rejection (kept running)");
  });

  const server = await listen(built.app.fetch, settings.host, settings.port);
  const signIn = settings.auth.method;
  console.log(`\n  ciba-fail-console ${built.version} is talking to ${built.target}.`);
  if (built.generatedAccessCode) {
    // Shown once, here, like Jupyter's token: it is never logged or sent anywhere else.
    console.log(
      `  Open ${server.url}/login?code=${built.generatedAccessCode} in your browser to sign in.`,
    );
    console.log(
      "  (The access code is new at every start; set CONSOLE_ACCESS_CODE to keep one.)\n",
    );
  } else if (signIn.mode === "local") {
    console.log(`  Open ${server.url}/ in your browser and sign in with CONSOLE_ACCESS_CODE.\n`);
  } else {
    console.log(`  Open ${server.url}/ in your browser and sign in with ${signIn.issuer}.\n`);
  }
  console.log(`  Audit trail: ${settings.auditDbPath}\n`);

  const stop = () => {
    void server
      .close()
      .then(() => built.close())
      .then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
