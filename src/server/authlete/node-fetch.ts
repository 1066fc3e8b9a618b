import { Agent as HttpAgent, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/**
 * The fetch the Authlete SDK uses here, on node:http with kept-alive connections instead of the
 * built-in fetch. Measured on loopback (bench/, README "Performance"): Node 20's fetch costs about
 * 0.7 ms more per call than node:http and a quarter of the BFF's CPU under load. It also reads the
 * whole answer inside the call, under the SDK's timeout: with the built-in fetch, a body that
 * never ended left an unhandled rejection behind (see the stalled-body fault test).
 * Authlete's answers are small JSON documents.
 */
/**
 * Idle kept-alive sockets are closed after 4 s, before the 5 s most Node and proxy servers keep
 * them. Node's agent lowers this further to a server's `Keep-Alive: timeout=` hint minus 1 s, but
 * only when a timeout is set at all: without one the hint is ignored, and a request sent on a
 * socket the server was closing failed (a 502 in CI's kill -9 journey).
 */
const IDLE_SOCKET_MS = 4000;
const agents = {
  "http:": new HttpAgent({ keepAlive: true, maxSockets: 64, timeout: IDLE_SOCKET_MS }),
  "https:": new HttpsAgent({ keepAlive: true, maxSockets: 64, timeout: IDLE_SOCKET_MS }),
};

export async function nodeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request && init === undefined ? input : new Request(input, init);
  const url = new URL(request.url);
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const signal = request.signal;
  signal.throwIfAborted();
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const agent = url.protocol === "https:" ? agents["https:"] : agents["http:"];

  return new Promise<Response>((resolve, reject) => {
    /**
     * Sends once, and once more on a fresh socket if a kept-alive one was reset before any answer
     * came: almost always the server closing an idle socket as the request left, unread (Node's
     * documented pattern: `request.reusedSocket` and ECONNRESET). Should the server have read it
     * and died, the second send repeats it: harmless for these calls (failing a ticket twice
     * does nothing more; a test ticket made twice leaves one unused).
     */
    function attempt(retried: boolean) {
      let answered = false;
      const outgoing = send(
        url,
        { method: request.method, headers: Object.fromEntries(request.headers), agent },
        (incoming) => {
          answered = true;
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("error", fail);
          incoming.on("end", () => {
            signal.removeEventListener("abort", abort);
            const status = incoming.statusCode ?? 502;
            const received = Buffer.concat(chunks);
            resolve(
              new Response(status === 204 || status === 304 ? null : received, {
                status,
                statusText: incoming.statusMessage,
                headers: markUnreadable(toHeaders(incoming.headers), received),
              }),
            );
          });
        },
      );
      function abort() {
        outgoing.destroy();
        reject(reason());
      }
      function fail(error: Error) {
        signal.removeEventListener("abort", abort);
        if (signal.aborted) return reject(reason());
        const code = (error as NodeJS.ErrnoException).code;
        if (!retried && !answered && outgoing.reusedSocket && code === "ECONNRESET") {
          return attempt(true);
        }
        // As fetch reports it, so the SDK recognises a connection error.
        reject(new TypeError("fetch failed", { cause: error }));
      }
      signal.addEventListener("abort", abort, { once: true });
      outgoing.on("error", fail);
      outgoing.end(body);
    }
    // The SDK's timeout arrives as the signal's reason (a TimeoutError DOMException).
    const reason = (): Error =>
      signal.reason instanceof Error ? signal.reason : new DOMException("aborted", "AbortError");
    attempt(false);
  });
}

/** Set on an answer that says it is JSON and is not (authlete.ts makes it a 502). */
export const UNREADABLE_BODY_HEADER = "x-console-unreadable-body";

/**
 * The SDK parses a body by its Content-Type, inside a promise it also hands elsewhere: a body
 * that claims JSON and is not would surface as a SyntaxError there and as an unhandled
 * rejection. So such an answer is passed on as text, marked, and the SDK reports it as an
 * unexpected answer, which authlete.ts words as one that could not be understood.
 */
function markUnreadable(headers: Headers, body: Buffer): Headers {
  if (!/\bjson\b/i.test(headers.get("content-type") ?? "") || body.length === 0) return headers;
  try {
    JSON.parse(body.toString("utf8"));
  } catch {
    headers.set("content-type", "text/plain");
    headers.set(UNREADABLE_BODY_HEADER, "1");
  }
  return headers;
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
