import { createHmac } from "node:crypto";
import type { StreamBatch } from "./sink-store";

/** Header names a receiver reads (the README shows how to check them). */
export const TIMESTAMP_HEADER = "X-Audit-Timestamp";
export const SIGNATURE_HEADER = "X-Audit-Signature";

/**
 * HMAC-SHA256 over `<timestamp>.<body>`, hex, as `sha256=<hex>` (Stripe's and GitHub's way): the
 * timestamp is signed with the body, so a receiver can refuse an old batch replayed.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * AUDIT_WEBHOOK_URL: each batch is one HTTPS POST of JSON; any 2xx acknowledges every record
 * in it. A CA of the team's own is trusted through NODE_EXTRA_CA_CERTS.
 */
export function createWebhookSink(options: {
  url: string;
  secret: string;
  timeoutMs: number;
  now: () => number;
}) {
  return {
    name: "webhook" as const,
    target: new URL(options.url).origin,
    async send(batch: StreamBatch): Promise<void> {
      const body = JSON.stringify({
        format: "ciba-audit-stream/1",
        records: batch.records,
        checkpoints: batch.checkpoints,
      });
      const timestamp = String(Math.floor(options.now() / 1000));
      const answer = await fetch(options.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: webhookSignature(options.secret, timestamp, body),
        },
        body,
        redirect: "error",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await answer.body?.cancel();
      if (!answer.ok) throw new Error(`the receiver answered HTTP ${answer.status}`);
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}
