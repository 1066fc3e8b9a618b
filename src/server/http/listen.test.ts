import { connect } from "node:net";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { listen } from "./listen";
import type { Listening } from "./listen";

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Sends one GET on the socket and resolves with the raw answer once its body has arrived. */
function ask(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const onData = (chunk: Buffer) => {
      answer += chunk.toString();
      if (answer.endsWith("ok")) {
        socket.off("data", onData);
        resolve(answer);
      }
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error("the console closed the connection")));
    socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
  });
}

describe("listen", () => {
  it("keeps an idle kept-alive connection open longer than Node's 5 s default (a proxy reuses it)", async () => {
    server = await listen(() => new Response("ok"), "127.0.0.1", 0);
    const socket = connect(server.port, "127.0.0.1");
    let closed = false;
    socket.on("close", () => (closed = true));
    expect(await ask(socket)).toMatch(/^HTTP\/1.1 200/);
    await sleep(6_000);
    expect(closed).toBe(false);
    expect(await ask(socket)).toMatch(/^HTTP\/1.1 200/);
    socket.destroy();
  }, 15_000);
});
