import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ticketTail } from "../../../shared/ask-first";
import { notificationAsCurl } from "../../../shared/curl";
import { endOutcomeSchema } from "../../../shared/end-outcome";
import type { EndOutcome, NotificationDelivery } from "../../../shared/end-outcome";
import { ApprovalOutcome } from "../../components/approval-outcome";
import { STATUS_TEXT } from "../../../shared/reasons";
import { CopyButton } from "../../components/copy-button";
import { JsonView } from "../../components/json-view";
import { OutcomePanel, ProblemOutcome } from "../../components/outcome-panel";
import { RequestErrorAlert } from "../../components/problem-alert";
import { serviceNamed } from "../../components/service-picker";
import { servicesQuery } from "../../lib/console-queries";
import type { EndFormOutcome } from "./end-request-form";
import { useDeliverAgain } from "./queries";

type HttpMessage = NonNullable<EndOutcome["client"]["tokenResponse"]>;

function httpText(message: HttpMessage): string {
  const first = message.method
    ? `${message.method} ${message.url ?? ""}`
    : `HTTP/1.1 ${message.status ?? ""} ${STATUS_TEXT[message.status ?? 0] ?? ""}`.trim();
  const headers = Object.entries(message.headers).map(([name, value]) => `${name}: ${value}`);
  return [first, ...headers, "", JSON.stringify(message.body, null, 2)].join("\n");
}

/** The last end's outcome: a headline, then Authlete's answer and the client's view, or the problem. */
export function EndOutcomePanel({ outcome }: { outcome: EndFormOutcome }) {
  const { data: services = [] } = useQuery(servicesQuery);
  if (outcome.kind === "problem") return <ProblemOutcome outcome={outcome} />;
  const { request } = outcome;
  const service = serviceNamed(services, request.serviceId);
  const { ticket, result: chosen } = request.backchannelAuthenticationCompleteRequest;
  const serviceName = service?.name ?? `service ${request.serviceId}`;
  const what = `request …${ticketTail(ticket)} on ${serviceName}`;
  if (outcome.kind === "approval") {
    return (
      <ApprovalOutcome
        accepted={outcome.approval}
        what={`end ${what} with ${chosen}`}
        at={outcome.at}
        production={service?.environment === "production"}
        renderResult={(result) => <EndOutcomeView outcome={endOutcomeSchema.parse(result)} />}
      />
    );
  }
  const { result } = outcome;
  return (
    <OutcomePanel
      tone={result.client.noSuchTicket ? "problem" : "done"}
      headline={
        result.client.noSuchTicket
          ? `Nothing was ended: Authlete holds no ${what}`
          : `Done: ${what} ended with ${chosen}. ${result.client.summary}`
      }
      at={outcome.at}
      production={service?.environment === "production"}
      outcomeKey={outcome}
    >
      {/* A new answer mounts a new view: its delivery state starts fresh. */}
      <EndOutcomeView key={result.meta.requestId} outcome={result} />
    </OutcomePanel>
  );
}

/** Authlete's answer to /complete, and what the client now receives, per delivery mode. */
function EndOutcomeView({ outcome }: { outcome: EndOutcome }) {
  const { authlete, client, meta } = outcome;
  const [delivery, setDelivery] = useState(outcome.delivery);
  const deliverAgain = useDeliverAgain();
  const notification = client.notification;
  return (
    <div className="results">
      <section aria-labelledby="end-summary-heading">
        <h3 id="end-summary-heading">
          {client.noSuchTicket ? "Authlete's answer" : "What the client gets"}
        </h3>
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
        <section aria-labelledby="notification-heading">
          <h3 id="notification-heading">Notification to the client</h3>
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
        <section aria-labelledby="token-response-heading">
          <h3 id="token-response-heading">At the client's next token request</h3>
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
