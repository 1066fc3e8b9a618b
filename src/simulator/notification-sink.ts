import { Hono } from "hono";

/** What the simulator's sink received: whether the bearer token was the one Authlete handed out. */
export interface ReceivedNotification {
  at: string;
  /** The path's last segment: which seeded client's endpoint it reached. */
  endpoint: string;
  /** The body as received (JSON when it was JSON). */
  body: unknown;
  /** The Authorization header named the request's client_notification_token. */
  tokenMatched: boolean;
}

/** The newest notifications kept; a long-running simulator must not grow. */
const KEPT = 200;

/**
 * The seeded ping and push clients' notification endpoint (simulator only): it stands for the
 * client application, so that delivering a notification can be tried with no setup. It answers
 * 204 as a client does (CIBA Core §10.2 "HTTP 204 No Content"), and keeps what it received.
 */
export function createNotificationSink() {
  /** auth_req_id → the client_notification_token /complete handed out for it. */
  const expected = new Map<string, string>();
  const received: ReceivedNotification[] = [];
  return {
    expect(authReqId: string, token: string) {
      expected.set(authReqId, token);
      if (expected.size > KEPT) expected.delete(expected.keys().next().value!);
    },
    received: () => [...received],
    routes: new Hono().post("/:endpoint", async (c) => {
      const text = await c.req.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: a client would reject it, the sink shows it.
      }
      const authReqId = (body as { auth_req_id?: unknown } | null)?.auth_req_id;
      const token = typeof authReqId === "string" ? expected.get(authReqId) : undefined;
      received.push({
        at: new Date().toISOString(),
        endpoint: c.req.param("endpoint"),
        body,
        tokenMatched: token !== undefined && c.req.header("authorization") === `Bearer ${token}`,
      });
      if (received.length > KEPT) received.shift();
      return c.body(null, 204);
    }),
  };
}

export type NotificationSink = ReturnType<typeof createNotificationSink>;
