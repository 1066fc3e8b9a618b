import { z } from "zod";
import { targetSchema } from "./fail-result";

/**
 * The BFF's 200 answer to POST /api/backchannel/authentication/complete: Authlete's answer,
 * what the client now receives per delivery mode, and what came of delivering the notification.
 * No auth_req_id or notification token appears in clear: tails only.
 */
export const COMPLETE_ACTIONS = ["NO_ACTION", "NOTIFICATION", "SERVER_ERROR"] as const;
export const DELIVERY_MODES = ["POLL", "PING", "PUSH"] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const DELIVERY_STATES = [
  /** The client answered 2xx. */
  "delivered",
  /** Sent, but the client answered otherwise, or no answer came (timeout, connection). */
  "failed",
  /** Not sent: the endpoint is not allowed (plain http, a private address, a redirect). */
  "refused",
  /** Asked for, but DELIVER_CLIENT_NOTIFICATIONS is off. */
  "off",
  /** A notification is due and the operator did not ask the console to send it. */
  "not-asked",
  /** No notification is due (poll mode, or Authlete ended nothing). */
  "not-due",
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const notificationDeliverySchema = z.object({
  state: z.enum(DELIVERY_STATES),
  /** In words, for the page. */
  detail: z.string(),
  /** The client's HTTP status, when it answered. */
  status: z.number().int().nullable(),
  /** At most 1 KiB of the client's answer. */
  body: z.string().nullable(),
  /** A notification that did not arrive is held (sealed) for Deliver again, until then. */
  held: z.object({ id: z.string(), until: z.string() }).nullable(),
});
export type NotificationDelivery = z.infer<typeof notificationDeliverySchema>;

/** An HTTP message as the page spells it out. */
const httpMessageSchema = z.object({
  status: z.number().int().optional(),
  method: z.string().optional(),
  url: z.string().optional(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
});

export const endOutcomeSchema = z.object({
  authlete: z.object({
    resultCode: z.string().nullable(),
    resultMessage: z.string().nullable(),
    action: z.enum(COMPLETE_ACTIONS).nullable(),
    deliveryMode: z.enum(DELIVERY_MODES).nullable(),
    clientId: z.string().nullable(),
    clientName: z.string().nullable(),
    /** The auth_req_id's last 6 characters. */
    authReqIdTail: z.string().nullable(),
  }),
  client: z.object({
    /** One sentence: what happens to the client now. */
    summary: z.string(),
    /** Authlete holds no such ticket (A186202): nothing was ended. */
    noSuchTicket: z.boolean(),
    /** The token endpoint's answer at the client's next request (poll, ping), predicted. */
    tokenResponse: httpMessageSchema.nullable(),
    /** The notification the authorization server must send now (ping, push), masked. */
    notification: httpMessageSchema.nullable(),
  }),
  delivery: notificationDeliverySchema,
  meta: z.object({ requestId: z.string(), durationMs: z.number(), target: targetSchema }),
});
export type EndOutcome = z.infer<typeof endOutcomeSchema>;

/** How a bearer value is shown: its last 4 characters. */
export function maskedBearer(value: string): string {
  return `…${value.slice(-4)}`;
}
