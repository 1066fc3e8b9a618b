import { hostname } from "node:os";
import { connect as connectTcp } from "node:net";
import type { Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import type { Checkpoint } from "../audit-chain/checkpoints";
import type { StreamBatch, StreamRecord } from "./sink-store";

/** RFC 5424 facility 13, "log audit". */
const FACILITY = 13;
/** The SD-ID's enterprise number: 32473, the one RFC 5612 sets aside for documentation. */
export const SD_ID = "audit@32473";
const APP_NAME = "ciba-fail-console";

const SEVERITY: Record<string, number> = {
  succeeded: 6, // informational
  refused: 5, // notice
  invalid: 5,
  forbidden: 5,
  "rate-limited": 5,
  "not-attempted": 5,
  "transport-error": 4, // warning
  "console-error": 4,
  interrupted: 4,
};

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped in a PARAM-VALUE. */
const escaped = (value: string) => value.replace(/["\\\]]/g, (character) => `\\${character}`);

/** The structured data SIEMs index without parsing the message: bounded, no free text. */
const SD_FIELDS = [
  ["seq", "chain_seq"],
  ["hash", "chain_hash"],
  ["id", "id"],
  ["kind", "kind"],
  ["outcome", "outcome"],
  ["operator", "operator"],
  ["service", "service_id"],
  ["ticketTail", "ticket_tail"],
  ["reason", "reason"],
  ["resultCode", "result_code"],
  ["jobId", "job_id"],
  ["requestId", "request_id"],
] as const;

/**
 * One record as an RFC 5424 message: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [audit@32473 …]`
 * and the whole record as JSON for the message, octet-counted for TCP (RFC 6587 §3.4.1).
 */
export function syslogFrame(record: StreamRecord, host = hostname()): Buffer {
  const severity = SEVERITY[String(record.outcome)] ?? 6;
  const params = SD_FIELDS.filter(([, column]) => record[column] !== null).map(
    ([name, column]) => [name, String(record[column])] as const,
  );
  return frame(severity, String(record.at), String(record.kind), SD_ID, params, record, host);
}

/** A signed checkpoint, in the stream after the record it covers (MSGID "checkpoint"). */
export function checkpointFrame(checkpoint: Checkpoint, host = hostname()): Buffer {
  const params = (["seq", "hash", "keyId", "signature"] as const).map(
    (name) => [name, String(checkpoint[name])] as const,
  );
  return frame(6, checkpoint.at, "checkpoint", CHECKPOINT_SD_ID, params, checkpoint, host);
}

export const CHECKPOINT_SD_ID = "checkpoint@32473";

function frame(
  severity: number,
  at: string,
  messageId: string,
  sdId: string,
  params: readonly (readonly [string, string])[],
  body: unknown,
  host: string,
): Buffer {
  const data = params.map(([name, value]) => `${name}="${escaped(value)}"`).join(" ");
  const message = `<${FACILITY * 8 + severity}>1 ${at} ${host || "-"} ${APP_NAME} ${process.pid} ${messageId} [${sdId} ${data}] ${JSON.stringify(body)}`;
  const bytes = Buffer.from(message, "utf8");
  return Buffer.concat([Buffer.from(`${bytes.length} `), bytes]);
}

/**
 * AUDIT_SYSLOG_URL: one long-lived TCP (or TLS) connection; a batch counts as delivered once
 * written to it. Syslog over TCP has no acknowledgement, so what was in flight when the
 * connection broke may be lost without the console knowing (the README says so).
 */
export function createSyslogSink(options: {
  host: string;
  port: number;
  tls: boolean;
  timeoutMs: number;
}) {
  let socket: Socket | undefined;
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const connected = options.tls
        ? connectTls({ host: options.host, port: options.port, servername: options.host })
        : connectTcp({ host: options.host, port: options.port });
      const fail = (error: Error) => {
        connected.destroy();
        reject(error);
      };
      connected.setTimeout(options.timeoutMs, () => fail(new Error("syslog connection timed out")));
      connected.once("error", fail);
      connected.once(options.tls ? "secureConnect" : "connect", () => {
        connected.off("error", fail);
        connected.setTimeout(0);
        // A connection that breaks later is dropped and opened again by the next batch.
        connected.on("error", () => connected.destroy());
        connected.once("close", () => {
          if (socket === connected) socket = undefined;
        });
        resolve(connected);
      });
    });
  return {
    name: "syslog" as const,
    target: `${options.tls ? "tls" : "tcp"}://${options.host}:${options.port}`,
    async send(batch: StreamBatch): Promise<void> {
      socket ??= await open();
      const connection = socket;
      const frames = Buffer.concat([
        ...batch.records.map((record) => syslogFrame(record)),
        ...batch.checkpoints.map((checkpoint) => checkpointFrame(checkpoint)),
      ]);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          connection.destroy();
          reject(new Error("syslog write timed out"));
        }, options.timeoutMs);
        connection.write(frames, (error) => {
          clearTimeout(timer);
          if (error) {
            connection.destroy();
            reject(error);
          } else resolve();
        });
      });
    },
    close(): Promise<void> {
      socket?.end();
      socket = undefined;
      return Promise.resolve();
    },
  };
}
