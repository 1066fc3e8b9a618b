import { useQuery } from "@tanstack/react-query";
import { CopyButton } from "../../components/copy-button";
import { OutcomePanel, ProblemOutcome } from "../../components/outcome-panel";
import { serviceNamed } from "../../components/service-picker";
import { servicesQuery } from "../../lib/console-queries";
import { clientGets } from "../../lib/form-outcome";
import { ticketTail } from "../../../shared/ask-first";
import type { FailOutcome } from "./use-fail-submission";
import { JsonView, prettyJsonString } from "../../components/json-view";
import { failResultSchema } from "../../../shared/fail-result";
import type { FailResult } from "../../../shared/fail-result";
import { ApprovalOutcome } from "../../components/approval-outcome";
import { ACTION_MEANINGS, STATUS_TEXT } from "../../../shared/reasons";

/** The last fail's outcome: a headline that says it all, then the raw answer or the problem. */
export function FailOutcomeView({ outcome }: { outcome: FailOutcome }) {
  const { data: services = [] } = useQuery(servicesQuery);
  if (outcome.kind === "problem") return <ProblemOutcome outcome={outcome} />;
  const { request } = outcome;
  const service = serviceNamed(services, request.serviceId);
  const { ticket, reason } = request.backchannelAuthenticationFailRequest;
  const serviceName = service?.name ?? `service ${request.serviceId}`;
  if (outcome.kind === "approval") {
    return (
      <ApprovalOutcome
        accepted={outcome.approval}
        what={`fail ticket …${ticketTail(ticket)} on ${serviceName} with ${reason}`}
        at={outcome.at}
        production={service?.environment === "production"}
        renderResult={(result) => <FailResultView result={failResultSchema.parse(result)} />}
      />
    );
  }
  const { result } = outcome;
  const gets = clientGets(result.clientResponse.status, result.clientResponse.body);
  return (
    <OutcomePanel
      tone="done"
      headline={`Done: ticket …${ticketTail(ticket)} on ${serviceName} failed with ${reason}; its client gets ${gets}`}
      at={outcome.at}
      production={service?.environment === "production"}
      outcomeKey={outcome}
    >
      <FailResultView result={result} />
    </OutcomePanel>
  );
}

/** Authlete's answer and what the authorization server now sends to its client. */
function FailResultView({ result }: { result: FailResult }) {
  const { authlete, clientResponse, meta } = result;
  const statusLine =
    `HTTP/1.1 ${clientResponse.status} ${STATUS_TEXT[clientResponse.status] ?? ""}`.trim();
  const headerLines = Object.entries(clientResponse.headers).map(
    ([name, value]) => `${name}: ${value}`,
  );
  const bodyText =
    clientResponse.body === null
      ? (authlete.responseContent ?? "")
      : JSON.stringify(clientResponse.body, null, 2);
  return (
    <div className="results">
      <section aria-labelledby="authlete-response-heading">
        <h3 id="authlete-response-heading">Authlete response</h3>
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
            {authlete.action && (
              <span className="muted"> — {ACTION_MEANINGS[authlete.action]}</span>
            )}
          </dd>
        </dl>
        <h4>responseContent</h4>
        <JsonView
          label="responseContent"
          value={prettyJsonString(authlete.responseContent ?? "")}
        />
        <div className="actions">
          <CopyButton label="Copy responseContent" text={authlete.responseContent ?? ""} />
          <CopyButton label="Copy whole answer" text={JSON.stringify(result, null, 2)} />
        </div>
        <p className="note">
          Authlete answers the same way whether or not the ticket still existed, so this answer does
          not prove that a pending request was cancelled.
        </p>
        <p className="meta">
          Request ID <code>{meta.requestId}</code> · {meta.durationMs} ms ·{" "}
          {meta.target.simulated ? "simulator" : meta.target.baseUrl}
        </p>
      </section>
      <section aria-labelledby="client-response-heading">
        <h3 id="client-response-heading">Response to the client</h3>
        <p className="muted">
          What the authorization server now sends to the client's backchannel authentication
          request:
        </p>
        <JsonView
          label="HTTP response to the client"
          value={[statusLine, ...headerLines, "", bodyText].join("\n")}
        />
        {clientResponse.note && <p className="note">{clientResponse.note}</p>}
      </section>
    </div>
  );
}
