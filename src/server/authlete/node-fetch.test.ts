import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { nodeFetch } from "./node-fetch";

let server: Server | undefined;
const open = new Set<Socket>();
afterEach(async () => {
  for (const socket of open) socket.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/**
 * A server that answers the first request on each connection and keeps it open, then resets
 * the connection when a second request arrives on it: the moment a server closes an idle
 * kept-alive socket just as the client sends on it.
 */
function resettingServer(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  return new Promise((resolve) => {
    server = createServer((socket) => {
      connections++;
      open.add(socket);
      let requests = 0;
      socket.on("data", (chunk) => {
        if (!chunk.toString().includes("\r\n\r\n")) return;
        requests++;
        if (requests === 1) {
          socket.write(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}",
          );
        } else {
          socket.resetAndDestroy();
        }
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const address = server!.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${address.port}/`, connections: () => connections });
    });
  });
}

describe("nodeFetch", () => {
  it("sends a POST once more on a fresh socket when a kept-alive one is reset before any answer", async () => {
    const { url, connections } = await resettingServer();
    const post = () => nodeFetch(url, { method: "POST", body: "{}" });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    expect(connections()).toBe(2);
  });
});
