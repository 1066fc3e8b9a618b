import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, inject, it } from "vitest";
import { testCertificate } from "../../testing/test-certificate";
import { createNotificationSender } from "./send-notification";

/**
 * Delivering a client notification (issue 17): real receivers on this machine, over http and
 * https (its certificate trusted through NODE_EXTRA_CA_CERTS, set by scripts/vitest-tls.ts).
 */
interface Received {
  authorization: string | undefined;
  body: string;
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
const answer204: Handler = (_request, response) => response.writeHead(204).end();

async function receiver(tls: boolean, handler: Handler = answer204) {
  const received: Received[] = [];
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        authorization: request.headers.authorization,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      handler(request, response);
    });
  };
  const { cert, key } = testCertificate(inject("tlsDir"));
  const server = tls
    ? createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, onRequest)
    : createHttpServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ close: () => server.close() });
  const { port } = server.address() as AddressInfo;
  return { received, port };
}

const NOTIFICATION = { token: "cnt-secret-0123456789", body: '{"auth_req_id":"abc"}' };

describe("sending a client notification", () => {
  it("delivers over https to an allowed origin, with the bearer token and Authlete's body exactly", async () => {
    const { received, port } = await receiver(true);
    const origin = `https://localhost:${port}`;
    const sender = createNotificationSender({ allowedOrigins: () => [origin] });
    const sent = await sender.send({ ...NOTIFICATION, endpoint: `${origin}/cb` });
    expect(sent).toMatchObject({ state: "delivered", status: 204 });
    expect(received).toEqual([
      { authorization: "Bearer cnt-secret-0123456789", body: '{"auth_req_id":"abc"}' },
    ]);
  });

  it("refuses plain http and private addresses unless the origin is listed, sending nothing", async () => {
    const { received, port } = await receiver(false);
    const sender = createNotificationSender({ allowedOrigins: () => [] });
    const http = await sender.send({ ...NOTIFICATION, endpoint: `http://127.0.0.1:${port}/cb` });
    expect(http).toMatchObject({ state: "refused", status: null });
    expect(http.detail).toContain("https only");
    const tls = await receiver(true);
    const loopback = await sender.send({
      ...NOTIFICATION,
      endpoint: `https://127.0.0.1:${tls.port}/cb`,
    });
    expect(loopback).toMatchObject({ state: "refused" });
    const named = await sender.send({
      ...NOTIFICATION,
      endpoint: `https://localhost:${tls.port}/cb`,
    });
    expect(named).toMatchObject({ state: "refused" });
    expect(named.detail).toContain("not a public address");
    expect([...received, ...tls.received]).toEqual([]);
  });

  it("checks the address it connects to: a name that rebinds to a private address on a second lookup never reaches it", async () => {
    const { received, port } = await receiver(true);
    const answers = [[{ address: "8.8.8.8", family: 4 }], [{ address: "127.0.0.1", family: 4 }]];
    let lookups = 0;
    const sender = createNotificationSender({
      allowedOrigins: () => [],
      resolve: () => Promise.resolve(answers[Math.min(lookups++, 1)]!),
      timeoutMs: 500,
    });
    const sent = await sender.send({ ...NOTIFICATION, endpoint: `https://client.test:${port}/cb` });
    // One lookup, both the check and the connection: the public address, unreachable here.
    expect(lookups).toBe(1);
    expect(sent.state).toBe("failed");
    expect(received).toEqual([]);
    // And a name that resolves only to private addresses is refused before any connection.
    lookups = 1;
    const rebound = await sender.send({
      ...NOTIFICATION,
      endpoint: `https://client.test:${port}/cb`,
    });
    expect(rebound).toMatchObject({ state: "refused" });
    expect(received).toEqual([]);
  });

  it("follows no redirect and times out on a client that hangs, showing at most 1 KiB of an answer", async () => {
    const target = await receiver(false);
    const redirecting = await receiver(false, (_request, response) =>
      response.writeHead(302, { location: `http://127.0.0.1:${target.port}/elsewhere` }).end(),
    );
    const hanging = await receiver(false, () => undefined);
    const chatty = await receiver(false, (_request, response) =>
      response.writeHead(500).end("x".repeat(5000)),
    );
    const origins = [redirecting, hanging, chatty].map(({ port }) => `http://127.0.0.1:${port}`);
    const sender = createNotificationSender({ allowedOrigins: () => origins, timeoutMs: 400 });
    const redirected = await sender.send({ ...NOTIFICATION, endpoint: `${origins[0]}/cb` });
    expect(redirected).toMatchObject({ state: "failed", status: 302 });
    expect(redirected.detail).toContain("does not follow");
    expect(target.received).toEqual([]);
    const started = Date.now();
    const hung = await sender.send({ ...NOTIFICATION, endpoint: `${origins[1]}/cb` });
    expect(hung).toMatchObject({ state: "failed", status: null });
    expect(hung.detail).toContain("No answer within");
    expect(Date.now() - started).toBeLessThan(3000);
    const long = await sender.send({ ...NOTIFICATION, endpoint: `${origins[2]}/cb` });
    expect(long).toMatchObject({ state: "failed", status: 500 });
    expect(long.status === 500 && long.body.length).toBe(1024);
  });
});
