import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../http/app-env";
import { tokenHash } from "./lab-store";
import type { LabStore } from "./lab-store";

/** Where the QA lab's test clients receive ping and push notifications (PUBLIC_URL + this). */
export const LAB_RECEIVER_PATH = "/ciba-lab/notifications";

/** A push notification with tokens is well under this (CIBA Core §10.3.1). */
const MAX_NOTIFICATION_BYTES = 8 * 1024;

/**
 * The QA lab's client notification endpoint (CIBA Core §10.2, §10.3): it takes a notification
 * only with the bearer token a lab cell chose and is waiting with, once, and answers 204 as a
 * client does. Anyone else gets a bare 401: no body, nothing about what it expected.
 */
export function labReceiverRoutes(labStore: LabStore) {
  const refused = () =>
    new Response(null, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  return new Hono<AppEnv>().post(
    "/",
    async (c, next) => {
      // Before the body is read: a stranger's request costs a header check, nothing more.
      if (!/^Bearer [\w.~+/-]+=*$/.test(c.req.header("authorization") ?? "")) return refused();
      return next();
    },
    bodyLimit({
      maxSize: MAX_NOTIFICATION_BYTES,
      onError: () => new Response(null, { status: 413 }),
    }),
    async (c) => {
      const token = c.req.header("authorization")!.slice("Bearer ".length);
      const body = await c.req.text();
      if (!(await labStore.receive(tokenHash(token), body))) return refused();
      return c.body(null, 204);
    },
  );
}
