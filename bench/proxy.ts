/**
 * The floor for "one extra hop": a pass-through HTTP proxy that does nothing but forward, with
 * keep-alive to its upstream like the BFF's SDK client. Usage: tsx bench/proxy.ts PORT UPSTREAM
 */
import { Agent, createServer, request } from "node:http";

const [port = "0", upstream = "http://127.0.0.1:8788"] = process.argv.slice(2);
const target = new URL(upstream);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const server = createServer((incoming, outgoing) => {
  const forward = request(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
      agent,
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forward.on("error", () => {
    outgoing.writeHead(502);
    outgoing.end();
  });
  incoming.pipe(forward);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), "127.0.0.1", () => {
  const address = server.address();
  console.log(`proxy on ${typeof address === "object" && address ? address.port : port}`);
});
