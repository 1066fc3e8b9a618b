import type { DeliveryMode, NotificationDelivery } from "../../shared/end-outcome";
import type { AuditInput } from "../actions/audit-input";
import type { AuditTrail } from "../actions/audit-trail";
import type { RecordDetails, RecordDraft } from "../actions/caller";
import { stopwatch } from "../actions/action-call";
import type { Store } from "../db/store";
import { HOLD_MS, createHeldNotifications } from "./held-notifications";
import type { HeldNotifications } from "./held-notifications";
import { createNotificationSender } from "./send-notification";
import type {
  ClientNotification,
  NotificationSender,
  ResolveHost,
  SendResult,
} from "./send-notification";

export interface DeliveryDeps {
  sender: NotificationSender;
  audit: AuditTrail;
  held: HeldNotifications;
  /** DELIVER_CLIENT_NOTIFICATIONS. */
  enabled: boolean;
}

/** One delivery: what it is, whose, and which end it belongs to. */
export interface DeliveryAttempt {
  draft: RecordDraft & RecordDetails;
  serviceId: string;
  ownerKey: string;
  endAuditId: number;
  notification: ClientNotification;
  authReqId: string;
  deliveryMode: DeliveryMode | null;
  /** Deliver again: the held notification (wiped once delivered; its 10 minutes do not restart). */
  held?: { id: string; until: string };
}

const OUTCOME: Record<SendResult["state"], AuditInput["outcome"]> = {
  delivered: "succeeded",
  failed: "refused",
  refused: "forbidden",
};

/**
 * Sends a notification and records it (who, when, endpoint host, status or why not), then
 * settles the end's record. A notification that was sent but did not arrive is held, sealed,
 * for Deliver again; one the policy refuses is not (it would be refused again). The token and
 * the auth_req_id are never logged, stored in clear or shown.
 */
export async function deliverAndRecord(
  deps: DeliveryDeps,
  attempt: DeliveryAttempt,
): Promise<NotificationDelivery> {
  const { audit } = deps;
  let origin = "(not a URL)";
  try {
    origin = new URL(attempt.notification.endpoint).origin;
  } catch {
    // Recorded as it is: the sender refuses it.
  }
  const record = {
    ...attempt.draft,
    kind: "notification" as const,
    serviceId: attempt.serviceId,
    target: origin,
    authReqId: attempt.authReqId,
    deliveryMode: attempt.deliveryMode,
  };
  if (!deps.enabled) {
    const detail =
      "DELIVER_CLIENT_NOTIFICATIONS is off: the console sends no notification. Copy it as curl, or let the authorization server send it.";
    await audit.record({ ...record, outcome: "forbidden", detail });
    await audit.amendNotification(attempt.endAuditId, "off");
    return { state: "off", detail, status: null, body: null, held: null };
  }
  const elapsed = stopwatch();
  const sent = await deps.sender.send(attempt.notification);
  await audit.record({
    ...record,
    outcome: OUTCOME[sent.state],
    upstreamStatus: sent.status,
    durationMs: elapsed(),
    detail: `POST ${origin}: ${sent.detail}`,
  });
  // A failed one may be delivered again while it is held: its end's record stays open as long.
  await audit.amendNotification(
    attempt.endAuditId,
    sent.state,
    sent.state === "failed" ? HOLD_MS : 0,
  );
  let held: NotificationDelivery["held"] = null;
  if (sent.state === "failed") {
    held = attempt.held ?? (await deps.held.hold(attempt));
  } else if (attempt.held) {
    await deps.held.wipe(attempt.held.id);
  }
  return { state: sent.state, detail: sent.detail, status: sent.status, body: sent.body, held };
}

/** No notification is due (poll mode, or nothing was ended). */
export const NOT_DUE: NotificationDelivery = {
  state: "not-due",
  detail: "No notification is due.",
  status: null,
  body: null,
  held: null,
};

/**
 * An end's notification, whatever comes of it: none due, sent (when asked for; refused if
 * delivery is off), or not asked for. The end's record says which, in every case.
 */
export async function settleNotification(
  deps: DeliveryDeps,
  endAuditId: number,
  answer: Parameters<typeof notificationOf>[0] & { action?: string | undefined },
  attempt: Omit<DeliveryAttempt, "endAuditId" | "notification" | "authReqId" | "deliveryMode"> & {
    asked: boolean;
  },
): Promise<NotificationDelivery> {
  if (answer.action !== "NOTIFICATION") return NOT_DUE;
  if (attempt.asked) {
    return deliverAndRecord(deps, { ...attempt, endAuditId, ...notificationOf(answer) });
  }
  await deps.audit.amendNotification(endAuditId, "not-asked");
  return {
    ...NOT_DUE,
    state: "not-asked",
    detail:
      "A notification is due. The console did not send it (not asked): the authorization server must, or Copy as curl.",
  };
}

/** What of Authlete's /complete answer a delivery sends and records: exactly what it returned. */
export function notificationOf(answer: {
  clientNotificationEndpoint?: string | undefined;
  clientNotificationToken?: string | undefined;
  responseContent?: string | undefined;
  authReqId?: string | undefined;
  deliveryMode?: DeliveryMode | undefined;
}): Pick<DeliveryAttempt, "notification" | "authReqId" | "deliveryMode"> {
  return {
    notification: {
      endpoint: answer.clientNotificationEndpoint ?? "",
      token: answer.clientNotificationToken ?? "",
      body: answer.responseContent ?? "",
    },
    authReqId: answer.authReqId ?? "",
    deliveryMode: answer.deliveryMode ?? null,
  };
}

/** The delivery parts the composition root wires: sender, held notifications, the switch. */
export function createDelivery(options: {
  audit: AuditTrail;
  store: Store;
  settings: { deliver: boolean; allowedOrigins: string[] };
  /** TICKET_ENCRYPTION_KEY: held notifications open on every replica with it. */
  key: Buffer | undefined;
  /** Origins allowed beyond the settings' (the embedded simulator's sink). */
  moreOrigins: () => string[];
  resolve?: ResolveHost;
  timeoutMs?: number;
}): DeliveryDeps {
  const { settings } = options;
  return {
    audit: options.audit,
    enabled: settings.deliver,
    held: createHeldNotifications(options.store, options.key),
    sender: createNotificationSender({
      allowedOrigins: () => [...settings.allowedOrigins, ...options.moreOrigins()],
      resolve: options.resolve,
      timeoutMs: options.timeoutMs,
    }),
  };
}
