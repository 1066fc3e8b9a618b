import { useEffect, useRef } from "react";
import { CopyButton } from "../../components/copy-button";
import { JsonView, prettyJsonString } from "../../components/json-view";
import type { FailResult } from "../../../shared/fail-result";
import { ACTION_MEANINGS, STATUS_TEXT } from "../../../shared/reasons";

/** Authlete's answer and what the authorization server now sends to its client. */
export function FailResultView({ result }: { result: FailResult }) {
  const { authlete, clientResponse, meta } = result;
  const top = useRef<HTMLDivElement>(null);
  // On a phone the answer sits below the whole form: bring it into view (no-op when visible).
  // A block body: Chromium's scrollIntoView now returns a promise, which React would take for
  // the effect's cleanup function.
  useEffect(() => {
    void top.current?.scrollIntoView({ block: "nearest" });
  }, [result]);
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
    <div className="results" ref={top}>
      <section aria-labelledby="authlete-response-heading" className="card">
        <h2 id="authlete-response-heading">Authlete response</h2>
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
        <h3>responseContent</h3>
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
      <section aria-labelledby="client-response-heading" className="card">
        <h2 id="client-response-heading">Response to the client</h2>
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
