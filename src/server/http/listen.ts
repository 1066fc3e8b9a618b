import { serve } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";

export interface Listening {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  /** Stops at once, cutting every connection. */
  close(): Promise<void>;
  /**
   * Stops taking requests, lets those in progress end (at most `graceMs`), closes idle
   * keep-alive connections; then cuts what is left.
   */
  drain(graceMs: number): Promise<void>;
}

/** Longer than the idle timeout of the usual proxies (nginx upstream keepalive, 60 s; AWS ALB, 60 s). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** How long a client may take to send a request: its headers, and all of it with the body. */
export interface RequestTimeouts {
  headersMs: number;
  requestMs: number;
}

/** Node's defaults are 60 s and 300 s, checked every 30 s: a stalled body held a slot for five minutes. */
export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = { headersMs: 20_000, requestMs: 60_000 };

/** Serves a fetch handler over real HTTP; port 0 picks a free one. */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
  timeouts: RequestTimeouts = DEFAULT_REQUEST_TIMEOUTS,
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    const serverOptions = {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often Node looks for requests over those times (default 30 s).
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    };
    server = serve({ fetch, hostname, port, serverOptions }, (info) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            if ("closeAllConnections" in server!) server.closeAllConnections();
            server!.close(() => done());
          }),
        drain: (graceMs) =>
          new Promise<void>((done) => {
            const http = server!;
            const cut = setTimeout(() => {
              if ("closeAllConnections" in http) http.closeAllConnections();
            }, graceMs);
            http.close(() => {
              clearTimeout(cut);
              done();
            });
            // Idle keep-alive connections would hold close() open; busy ones end after their answer.
            if ("closeIdleConnections" in http) http.closeIdleConnections();
          }),
      });
    });
    // A proxy keeps idle connections to the console open (nginx's upstream keepalive: 60 s by
    // default). If the console closed one first, a request the proxy had just sent on it would be
    // lost, and a proxy does not resend a POST: a 502. So the console waits longer than a proxy.
    const http = server as { keepAliveTimeout?: number };
    http.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.once("error", reject);
  });
}
