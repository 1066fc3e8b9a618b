import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { testCertificate } from "../../testing/test-certificate";
import { freePort, startConsole, TEST_ACCESS_CODE } from "../../testing/test-harness";
import { SD_ID } from "./syslog-sink";

/**
 * Issue 22, part 2: the audit stream as RFC 5424 syslog, received by Debian's rsyslog (started
 * here, over plain TCP and over TLS with rsyslog-gnutls), as PostgreSQL's suites need Debian's
 * PostgreSQL. .ci/run installs both packages when missing.
 */

const RSYSLOGD = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"].find((path) => existsSync(path));
const dir = mkdtempSync(join(tmpdir(), "cfc-syslog-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** rsyslogd in the foreground with a configuration of its own, writing each raw message. */
async function rsyslog(tls: boolean) {
  if (!RSYSLOGD) throw new Error("rsyslogd is missing: apt-get install rsyslog rsyslog-gnutls");
  const port = await freePort();
  const work = mkdtempSync(join(dir, tls ? "tls-" : "tcp-"));
  const out = join(work, "received.log");
  const { cert, key } = testCertificate(inject("tlsDir"));
  const conf = join(work, "rsyslog.conf");
  writeFileSync(
    conf,
    [
      tls
        ? `global(workDirectory="${work}" DefaultNetstreamDriverCAFile="${cert}" DefaultNetstreamDriverCertFile="${cert}" DefaultNetstreamDriverKeyFile="${key}")`
        : `global(workDirectory="${work}")`,
      tls
        ? `module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")`
        : `module(load="imtcp")`,
      `input(type="imtcp" port="${port}" address="127.0.0.1")`,
      `template(name="raw" type="string" string="%rawmsg%\\n")`,
      `action(type="omfile" file="${out}" template="raw")`,
      "",
    ].join("\n"),
  );
  const check = spawnSync(RSYSLOGD, ["-N1", "-f", conf], { encoding: "utf8" });
  expect(check.status, check.stderr).toBe(0);
  const daemon = spawn(RSYSLOGD, ["-n", "-f", conf, "-i", join(work, "rsyslogd.pid")], {
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => daemon.once("exit", resolve));
  stops.push(async () => {
    daemon.kill("SIGTERM");
    await exited;
  });
  // Listening once a connection is taken.
  const { connect } = await import("node:net");
  await until(
    10_000,
    () =>
      new Promise<boolean>((resolve) => {
        const probe = connect({ host: "127.0.0.1", port }, () => {
          probe.destroy();
          resolve(true);
        });
        probe.once("error", () => resolve(false));
      }),
  );
  const lines = () =>
    existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean) : [];
  // TLS checks the name the certificate is for; plain TCP goes to the address.
  return { url: tls ? `tls://localhost:${port}` : `tcp://127.0.0.1:${port}`, lines };
}

async function until(ms: number, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD-ID k="v" …] MSG`, as RFC 5424 §6 writes it. */
const RFC5424 =
  /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\d+) (\S+) \[(\S+) ((?:\w+="(?:[^"\\\]]|\\.)*" ?)+)\] (.*)$/;

function parsed(line: string) {
  const match = RFC5424.exec(line);
  if (!match) throw new Error(`not RFC 5424: ${line}`);
  const params: Record<string, string> = {};
  for (const [, key, value] of match[8]!.matchAll(/(\w+)="((?:[^"\\\]]|\\.)*)"/g)) {
    params[key!] = value!.replace(/\\(.)/g, "$1");
  }
  return {
    priority: Number(match[1]),
    timestamp: match[2],
    app: match[4],
    msgId: match[6],
    sdId: match[7],
    params,
    message: JSON.parse(match[9]!) as Record<string, unknown>,
  };
}

describe("the audit stream to syslog (rsyslog)", { timeout: 60_000 }, () => {
  it.each([false, true])(
    "delivers every chained record as RFC 5424 with structured data (tls: %s)",
    async (tls) => {
      const receiver = await rsyslog(tls);
      const running = await startConsole({
        env: { AUDIT_SYSLOG_URL: receiver.url, AUDIT_STREAM_INTERVAL_MS: "50" },
      });
      stops.push(() => running.close());
      // A name with what RFC 5424 escapes in a parameter value.
      const name = 'Ann "the ] \\ tester"';
      expect((await running.signInWith(name, TEST_ACCESS_CODE)).status).toBe(200);
      for (let i = 0; i < 5; i++) {
        const answer = await running.post("/api/backchannel/authentication/fail", {
          serviceId: "1000000001",
          backchannelAuthenticationFailRequest: {
            ticket: `syslog-ticket-${tls}-${i}`,
            reason: "ACCESS_DENIED",
          },
          justification: `INC-${i}: quotes " and ] and \\ survive`,
        });
        expect(answer.status).toBe(200);
      }
      const head = await running.auditChain.sealDue();
      await until(20_000, () => receiver.lines().length >= head.seq);
      const messages = receiver.lines().map(parsed);
      expect(messages.map((message) => Number(message.params.seq))).toEqual(
        Array.from({ length: head.seq }, (_, i) => i + 1),
      );
      const fails = messages.filter((message) => message.msgId === "fail");
      expect(fails).toHaveLength(5);
      for (const message of fails) {
        expect(message.sdId).toBe(SD_ID);
        expect(message.app).toBe("ciba-fail-console");
        expect(message.priority).toBe(13 * 8 + 6); // log audit, informational
        expect(message.params).toMatchObject({
          kind: "fail",
          outcome: "succeeded",
          reason: "ACCESS_DENIED",
        });
        expect(message.params.ticketTail).toMatch(/^.{6}$/);
        expect(message.params.operator).toBe(name);
        expect(message.message.justification).toMatch(/^INC-\d: quotes " and \] and \\ survive$/);
        expect(message.message.chain_hash).toBe(message.params.hash);
      }
      expect(JSON.stringify(messages)).not.toContain("syslog-ticket-");
    },
  );
});
