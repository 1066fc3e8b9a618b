import { useEffect, useRef, useState } from "react";
import { notificationAsCurl } from "../../../shared/curl";
import type { EndOutcome, NotificationDelivery } from "../../../shared/end-outcome";
import { STATUS_TEXT } from "../../../shared/reasons";
import { CopyButton } from "../../components/copy-button";
import { JsonView } from "../../components/json-view";
import { RequestErrorAlert } from "../../components/problem-alert";
import { useDeliverAgain } from "./queries";

type HttpMessage = NonNullable<EndOutcome["client"]["tokenResponse"]>;

function httpText(message: HttpMessage): string {
  const first = message.method
    ? `${message.method} ${message.url ?? ""}`
    : `HTTP/1.1 ${message.status ?? ""} ${STATUS_TEXT[message.status ?? 0] ?? ""}`.trim();
  const headers = Object.entries(message.headers).map(([name, value]) => `${name}: ${value}`);
  return [first, ...headers, "", JSON.stringify(message.body, null, 2)].join("\n");
}

/** Authlete's answer to /complete, and what the client now receives, per delivery mode. */
export function EndOutcomeView({ outcome }: { outcome: EndOutcome }) {
  const { authlete, client, meta } = outcome;
  const [delivery, setDelivery] = useState(outcome.delivery);
  const deliverAgain = useDeliverAgain();
  const top = useRef<HTMLDivElement>(null);
  // A new answer mounts a new view (keyed by its request id): its delivery state starts fresh.
  useEffect(() => {
    void top.current?.scrollIntoView({ block: "nearest" });
  }, [outcome]);
  const notification = client.notification;
  return (
    <div className="results" ref={top}>
      <section aria-labelledby="end-summary-heading" className="card">
        <h2 id="end-summary-heading">
          {client.noSuchTicket ? "Nothing was ended" : "What the client gets"}
        </h2>
        <p className={client.noSuchTicket ? "note" : undefined}>{client.summary}</p>
        <dl className="facts">
          <dt>resultCode</dt>
          <dd>
            <code>{authlete.resultCode ?? "(none)"}</code>
          </dd>
          <dt>resultMessage</dt>
          <dd>{authlete.resultMessage ?? "(none)"}</dd>
          <dt>action</dt>
          <dd>
            <code>{authlete.action ?? "(none)"}</code>
          </dd>
          <dt>Delivery mode</dt>
          <dd>{authlete.deliveryMode?.toLowerCase() ?? "(not given)"}</dd>
          <dt>Client</dt>
          <dd>
            {authlete.clientId ? (
              <>
                <span className="mono">{authlete.clientId}</span>
                {authlete.clientName && ` (${authlete.clientName})`}
              </>
            ) : (
              "(not given)"
            )}
          </dd>
          <dt>auth_req_id</dt>
          <dd className="mono">
            {authlete.authReqIdTail ? `…${authlete.authReqIdTail}` : "(none)"}
          </dd>
        </dl>
        <p className="meta">
          Request ID <code>{meta.requestId}</code> · {meta.durationMs} ms ·{" "}
          {meta.target.simulated ? "simulator" : meta.target.baseUrl}
        </p>
      </section>
      {notification && (
        <section aria-labelledby="notification-heading" className="card">
          <h2 id="notification-heading">Notification to the client</h2>
          <p className="muted">
            What the authorization server must send now (the token and the auth_req_id shown by
            their last characters):
          </p>
          <JsonView label="Client notification" value={httpText(notification)} />
          <div className="actions">
            <CopyButton
              label="Copy notification as curl"
              text={() =>
                notificationAsCurl(
                  notification.url ?? "",
                  (notification.body ?? {}) as Record<string, unknown>,
                )
              }
            />
          </div>
          <DeliveryStatus
            delivery={delivery}
            pending={deliverAgain.isPending}
            onDeliverAgain={(id) => deliverAgain.mutate(id, { onSuccess: setDelivery })}
          />
          <RequestErrorAlert error={deliverAgain.error} title="Deliver again failed" />
        </section>
      )}
      {client.tokenResponse && (
        <section aria-labelledby="token-response-heading" className="card">
          <h2 id="token-response-heading">At the client's next token request</h2>
          <p className="muted">
            The authorization server's token endpoint answers, as Authlete documents it (predicted:
            the console cannot call the token endpoint with the client's credentials):
          </p>
          <JsonView label="Token endpoint answer" value={httpText(client.tokenResponse)} />
        </section>
      )}
    </div>
  );
}

const DELIVERY_TITLES: Record<NotificationDelivery["state"], string> = {
  delivered: "Delivered",
  failed: "Not delivered",
  refused: "Refused: not sent",
  off: "Not sent: delivery is off",
  "not-asked": "Not sent",
  "not-due": "",
};

function DeliveryStatus({
  delivery,
  pending,
  onDeliverAgain,
}: {
  delivery: NotificationDelivery;
  pending: boolean;
  onDeliverAgain: (id: string) => void;
}) {
  if (delivery.state === "not-due") return null;
  return (
    <div className={`delivery delivery-${delivery.state}`} role="status">
      <p>
        <strong>{DELIVERY_TITLES[delivery.state]}.</strong> {delivery.detail}
      </p>
      {delivery.body !== null && delivery.body !== "" && (
        <JsonView label="The client's answer (first 1 KiB)" value={delivery.body} />
      )}
      {delivery.held && (
        <p>
          <button
            type="button"
            className="button-secondary"
            disabled={pending}
            aria-busy={pending}
            onClick={() => onDeliverAgain(delivery.held!.id)}
          >
            {pending ? "Delivering…" : "Deliver again"}
          </button>{" "}
          <span className="muted">
            Held until{" "}
            <time dateTime={delivery.held.until}>
              {new Date(delivery.held.until).toLocaleTimeString()}
            </time>
            , then wiped.
          </span>
        </p>
      )}
    </div>
  );
}
