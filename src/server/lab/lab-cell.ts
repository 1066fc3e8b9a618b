import { randomBytes } from "node:crypto";
import { FIELD, expectedFor, judgeFields } from "../../shared/lab-expectations";
import type { Echo, Expected } from "../../shared/lab-expectations";
import type { LabCell, LabCellKey } from "../../shared/lab";
import type { FailReason } from "../../shared/reasons";
import { FAIL, LAB_COMPLETE, performAction } from "../actions/action-call";
import type { AuditTrail } from "../actions/audit-trail";
import type { RecordDetails, RecordDraft } from "../actions/caller";
import type { ResolvedService, TestClient } from "../authlete/service-directory";
import { CellLog, CellStop } from "./cell-log";
import { AS_STATUS, echoOf, observePush, parsed, text } from "./client-answers";
import { LONGEST_EXPIRY_SECONDS, TokenClient } from "./token-client";
import type { TokenAnswer } from "./token-client";
import { masked } from "./masking";
import { tokenHash } from "./lab-store";
import type { LabStore } from "./lab-store";

export interface CellDeps {
  audit: AuditTrail;
  labStore: LabStore;
  /** The console's own notification receiver, as Authlete must name it. */
  receiverUrl: () => string | undefined;
  /** The AS's POST of a notification to its client's endpoint (only ever the receiver). */
  deliver: (url: string, token: string, body: string) => Promise<number>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface CellPlan {
  key: LabCellKey;
  service: ResolvedService;
  client: TestClient;
  serviceId: string;
  echo: Echo;
  loginHint: string;
  subject: string;
  requestedExpirySeconds: number;
  /** The cell's own audit record, begun before its first call, and the caller's draft of it. */
  auditId: number;
  draft: RecordDraft & RecordDetails;
}

/**
 * One lab cell: the console plays the test client and its authorization server through one
 * CIBA lifecycle and judges what the client finally received. Every Authlete call goes through
 * the one action call or the gateway under the cell's record; the exchange is kept, masked.
 */
export async function runCell(deps: CellDeps, plan: CellPlan): Promise<LabCell> {
  return new Cell(deps, plan).run();
}

class Cell {
  readonly #log: CellLog;
  readonly #observed: Expected = {};
  #notification: LabCell["notification"] = null;
  readonly #notificationToken: string | undefined;
  readonly #credentials: { clientId: string; clientSecret: string };
  readonly #tokens: TokenClient;

  constructor(
    private readonly deps: CellDeps,
    private readonly plan: CellPlan,
  ) {
    this.#log = new CellLog(deps.now, deps.sleep);
    const { client, service, serviceId } = plan;
    this.#credentials = { clientId: client.clientId, clientSecret: client.clientSecret };
    this.#tokens = new TokenClient(this.#log, service.gateway, serviceId, this.#credentials);
    this.#notificationToken = this.#notifies ? randomBytes(24).toString("base64url") : undefined;
  }

  get #mode() {
    return this.plan.client.deliveryMode ?? "POLL";
  }

  get #notifies() {
    return this.#mode === "PING" || this.#mode === "PUSH";
  }

  async run(): Promise<LabCell> {
    try {
      const ticket = await this.request();
      const outcome = this.plan.key.outcome;
      if (outcome.startsWith("fail:")) await this.fail(ticket, outcome.slice(5) as FailReason);
      else await this.issueAndEnd(ticket);
    } catch (error) {
      if (!(error instanceof CellStop)) throw error;
      return this.finished(error.verdict, [], error.message);
    }
    const { key, echo, subject } = this.plan;
    const checks = judgeFields(expectedFor(key, echo, subject), this.#observed);
    return this.finished(checks.every((check) => check.ok) ? "pass" : "fail", checks, null);
  }

  /** 1. The client's backchannel authentication request (CIBA Core §7.1), relayed by the AS. */
  private async request(): Promise<string> {
    const { plan } = this;
    const token = this.#notificationToken;
    if (token) await this.deps.labStore.expectNotification(tokenHash(token));
    const parameters = new URLSearchParams({ scope: "openid", login_hint: plan.loginHint });
    if (token) parameters.set("client_notification_token", token);
    if (plan.key.outcome === "expiry")
      parameters.set("requested_expiry", String(plan.requestedExpirySeconds));
    const request = { parameters: parameters.toString(), ...this.#credentials };
    const made = await this.#log.call(
      "AS → Authlete",
      "POST /backchannel/authentication",
      request,
      () => plan.service.gateway.createTicket({ serviceId: plan.serviceId, ...request }),
    );
    if (made.action !== "USER_IDENTIFICATION" || !made.ticket) {
      const message = made.resultMessage ? ` (${made.resultMessage})` : "";
      throw new CellStop(
        "error",
        `The client's request was not accepted: action ${made.action ?? "(none)"}${message}`,
      );
    }
    return made.ticket;
  }

  /** 2a. The AS fails the request: the client's request is answered with the error (§13). */
  private async fail(ticket: string, reason: FailReason): Promise<void> {
    const { plan } = this;
    const fail = { serviceId: plan.serviceId, ticket, reason, ...echoOf(plan.echo) };
    const { answer } = await this.#log.call(
      "AS → Authlete",
      "POST /backchannel/authentication/fail",
      fail,
      () =>
        performAction(this.deps.audit, {
          kind: FAIL,
          draft: plan.draft,
          service: plan.service,
          request: fail,
          recordedBy: plan.auditId,
        }),
    );
    if (/^A\d{3}[1-9]\d{2}$/.test(answer.resultCode ?? "")) {
      throw new CellStop(
        "unsupported",
        `Authlete refused the reason itself (${answer.resultCode}): this service's Authlete may predate it.`,
      );
    }
    const content = parsed(answer.responseContent);
    const status = AS_STATUS[answer.action ?? ""] ?? null;
    this.#log.tell(`backchannel authentication answer: HTTP ${status ?? "?"}`, content);
    Object.assign(this.#observed, {
      [FIELD.failAction]: answer.action ?? null,
      [FIELD.clientStatus]: status,
      [FIELD.error]: text(content.error),
      [FIELD.errorDescription]: text(content.error_description),
      [FIELD.errorUri]: text(content.error_uri),
    });
    await this.takeNotification();
  }

  /** 2b. The user is identified: /issue, the client gets its auth_req_id (§7.3), then the end. */
  private async issueAndEnd(ticket: string): Promise<void> {
    const { plan } = this;
    const issued = await this.#log.call(
      "AS → Authlete",
      "POST /backchannel/authentication/issue",
      { ticket },
      () => plan.service.gateway.issue(plan.serviceId, ticket),
    );
    if (issued.action !== "OK" || !issued.authReqId) {
      throw new CellStop("error", `/issue answered action ${issued.action ?? "(none)"}, not OK`);
    }
    this.#log.tell("backchannel authentication answer: HTTP 200", parsed(issued.responseContent));
    const authReqId = issued.authReqId;
    const expiresIn = issued.expiresIn ?? 0;
    const expiry = plan.key.outcome === "expiry";
    if (expiry && expiresIn > LONGEST_EXPIRY_SECONDS) {
      throw new CellStop(
        "unsupported",
        `The service gives the request ${expiresIn} s (requested ${plan.requestedExpirySeconds} s); the lab does not wait longer than ${LONGEST_EXPIRY_SECONDS} s.`,
      );
    }
    if (this.#mode === "POLL") {
      // A poll client asks at once, before the user has answered.
      const first = await this.#tokens.request(authReqId);
      this.#observed[FIELD.pendingError] = text(first.content.error);
    }
    if (!expiry) await this.complete(ticket);
    else if (this.#mode !== "POLL") {
      // Nobody completes: the request runs out (a poll client meets it in its loop).
      await this.#log.wait(expiresIn * 1000, `until expires_in (${expiresIn} s) has passed`);
    }
    if (this.#notifies) {
      const body = await this.takeNotification();
      if (this.#mode === "PING" && body) {
        this.#observed[FIELD.pingFields] = Object.keys(body).sort().join(" ");
      }
      if (this.#mode === "PUSH") {
        if (body) observePush(this.#observed, body);
        await this.deleteTokens(text(body?.access_token));
        return;
      }
    }
    let answer: TokenAnswer | undefined;
    if (this.#mode === "POLL")
      answer = await this.#tokens.pollUntilFinal(authReqId, issued.interval, expiresIn);
    else if (this.#notification?.arrived || expiry) {
      // A ping client asks once it is told (or once it gave up waiting).
      answer = await this.#tokens.request(authReqId);
    }
    if (answer)
      await this.#tokens.observe(authReqId, answer, this.#observed, (token) =>
        this.deleteTokens(token),
      );
  }

  /** The AS ends the request through /complete, and delivers a notification if Authlete asks. */
  private async complete(ticket: string): Promise<void> {
    const { plan, deps } = this;
    const result = plan.key.outcome.slice("complete:".length) as
      "ACCESS_DENIED" | "TRANSACTION_FAILED" | "AUTHORIZED";
    const complete = {
      serviceId: plan.serviceId,
      ticket,
      result,
      ...(result === "AUTHORIZED" ? { subject: plan.subject } : echoOf(plan.echo)),
    };
    const { answer } = await this.#log.call(
      "AS → Authlete",
      "POST /backchannel/authentication/complete",
      complete,
      () =>
        performAction(deps.audit, {
          kind: LAB_COMPLETE,
          draft: plan.draft,
          service: plan.service,
          request: complete,
          recordedBy: plan.auditId,
        }),
    );
    this.#observed[FIELD.completeAction] = answer.action ?? null;
    if (answer.action !== "NOTIFICATION") return;
    const own = deps.receiverUrl();
    const endpoint = answer.clientNotificationEndpoint ?? "";
    if (endpoint !== own) {
      throw new CellStop(
        "error",
        `The test client's notification endpoint is ${endpoint || "(none)"}, not this console's receiver ${own ?? "(its address is not known yet)"}: register the receiver as the endpoint (README, QA lab).`,
      );
    }
    const token = answer.clientNotificationToken ?? "";
    const body = answer.responseContent ?? "";
    await this.#log.call(
      "AS → client",
      `POST ${endpoint}`,
      { authorization: token, body },
      async () => ({ status: await deps.deliver(endpoint, token, body) }),
    );
  }

  /** What reached the console's receiver for this cell's notification token, if anything. */
  private async takeNotification(): Promise<Record<string, unknown> | undefined> {
    if (!this.#notificationToken) return undefined;
    const body = await this.deps.labStore.takeNotification(tokenHash(this.#notificationToken));
    const arrived = body !== undefined;
    this.#notification = { arrived, body: arrived ? masked(parsed(body)) : null };
    this.#observed[FIELD.arrived] = arrived;
    return arrived ? parsed(body) : undefined;
  }

  /** A real cluster's tokens do not outlive the cell (token management's delete). */
  private async deleteTokens(accessToken: string | null): Promise<void> {
    if (!accessToken) return;
    const { plan } = this;
    await this.#log.call(
      "AS → Authlete",
      "DELETE /auth/token/delete/{token}",
      { accessToken },
      () =>
        plan.service.gateway
          .deleteToken(plan.serviceId, accessToken)
          .then(() => ({ deleted: true })),
    );
  }

  private finished(
    verdict: LabCell["verdict"],
    checks: LabCell["checks"],
    detail: string | null,
  ): LabCell {
    const log = this.#log;
    return {
      ...this.plan.key,
      state: "done",
      verdict,
      checks,
      notification: this.#notification,
      exchange: log.exchange,
      detail,
      durationMs: log.elapsedMs(),
      waitedMs: log.waitedMs,
      callsMs: log.callsMs,
    };
  }
}
