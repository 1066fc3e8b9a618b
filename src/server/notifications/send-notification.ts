import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import type { IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import type { LookupFunction } from "node:net";
import { isPublicAddress } from "./address-policy";

/** A host's addresses, as DNS gives them; injected so that a test can rebind a name. */
export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: ResolveHost = (hostname) => dnsLookup(hostname, { all: true });

/** What the console sends: exactly what Authlete returned, never anything from the browser. */
export interface ClientNotification {
  endpoint: string;
  token: string;
  /** Authlete's responseContent, as it came. */
  body: string;
}

export type SendResult =
  | { state: "delivered" | "failed"; status: number; body: string; detail: string }
  | { state: "failed" | "refused"; status: null; body: null; detail: string };

/** The client's answer is shown, at most this much of it. */
export const ANSWER_LIMIT = 1024;

export interface NotificationSender {
  send(notification: ClientNotification): Promise<SendResult>;
}

/**
 * POSTs a notification as CIBA Core §10.2 has the authorization server do it, guarded: https
 * only and public addresses only, checked on the address actually connected to (the one DNS
 * lookup is both the check and the connection, so a name cannot rebind in between), except
 * for the allowed origins, exactly as written. No redirects are followed; no answer within
 * `timeoutMs` is a failure.
 */
export function createNotificationSender(options: {
  /** Read at each send: the embedded simulator's origin is known only once it listens. */
  allowedOrigins: () => readonly string[];
  resolve?: ResolveHost;
  timeoutMs?: number;
}): NotificationSender {
  const resolve = options.resolve ?? systemResolver;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const refused = (detail: string): SendResult => ({
    state: "refused",
    status: null,
    body: null,
    detail,
  });

  return {
    async send({ endpoint, token, body }) {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        return refused("Authlete's clientNotificationEndpoint is not a URL.");
      }
      const listed = options.allowedOrigins().includes(url.origin);
      if (url.protocol !== "https:" && !(listed && url.protocol === "http:")) {
        return refused(
          `${url.protocol.replace(":", "")} endpoints are refused: https only (CLIENT_NOTIFICATION_ALLOWED_ORIGINS may list one).`,
        );
      }
      if (url.username || url.password) return refused("An endpoint with credentials is refused.");
      const host = url.hostname.replace(/^\[|\]$/g, "");
      if (!listed && isIP(host) !== 0 && !isPublicAddress(host)) {
        return refused(`${host} is not a public address.`);
      }
      let blocked: string | undefined;
      const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
        resolve(hostname).then(
          (addresses) => {
            const usable = listed
              ? addresses
              : addresses.filter((entry) => isPublicAddress(entry.address));
            if (usable.length === 0) {
              blocked = `${hostname} resolves to ${addresses.map((entry) => entry.address).join(", ") || "nothing"}: not a public address.`;
              callback(Object.assign(new Error(blocked), { code: "EADDRNOTPUBLIC" }), "", 4);
              return;
            }
            if (lookupOptions.all) callback(null, usable);
            else callback(null, usable[0]!.address, usable[0]!.family);
          },
          (error: NodeJS.ErrnoException) => callback(error, "", 4),
        );
      };
      try {
        const answer = await post(url, { token, body, lookup, timeoutMs });
        const ok = answer.status >= 200 && answer.status < 300;
        const redirect = answer.status >= 300 && answer.status < 400;
        return {
          state: ok ? "delivered" : "failed",
          status: answer.status,
          body: answer.body,
          detail: ok
            ? `The client answered HTTP ${answer.status}.`
            : redirect
              ? `The client answered a redirect (HTTP ${answer.status}), which the console does not follow.`
              : `The client answered HTTP ${answer.status}.`,
        };
      } catch (error) {
        if (blocked !== undefined) return refused(blocked);
        return {
          state: "failed",
          status: null,
          body: null,
          detail:
            (error as Error).message === "timeout"
              ? `No answer within ${timeoutMs / 1000} s.`
              : `No connection: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
        };
      }
    },
  };
}

function post(
  url: URL,
  options: { token: string; body: string; lookup: LookupFunction; timeoutMs: number },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(url, {
      method: "POST",
      lookup: options.lookup,
      headers: {
        authorization: `Bearer ${options.token}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(options.body),
      },
      agent: false,
    });
    const timer = setTimeout(() => request.destroy(new Error("timeout")), options.timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on("response", (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).subarray(0, ANSWER_LIMIT).toString("utf8"),
        });
      };
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // Enough to show: the rest is not read.
        if (size >= ANSWER_LIMIT) {
          done();
          response.destroy();
        }
      });
      response.on("end", done);
      response.on("error", done);
    });
    request.end(options.body);
  });
}
