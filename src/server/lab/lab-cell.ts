import { randomBytes } from "node:crypto";
import { FIELD, expectedFor, judgeFields } from "../../shared/lab-expectations";
import type { Echo, Expected } from "../../shared/lab-expectations";
import type { LabCell, LabCellKey, LabStep } from "../../shared/lab";
import type { FailReason } from "../../shared/reasons";
import { FAIL, LAB_COMPLETE, performAction } from "../actions/action-call";
import type { AuditTrail } from "../actions/audit-trail";
import type { RecordDetails, RecordDraft } from "../actions/caller";
import type { ResolvedService, TestClient } from "../authlete/service-directory";
import { problemOf } from "../http/problem";
import { masked } from "./masking";
import { tokenHash } from "./lab-store";
import type { LabStore } from "./lab-store";

/** An expiry longer than this is not waited for: the cell is unsupported (the issue's rule). */
export const LONGEST_EXPIRY_SECONDS = 120;

/** CIBA Core §7.3 (after RFC 8628 §3.5): a client told slow_down adds 5 s to its interval. */
const SLOW_DOWN_SECONDS = 5;

/** What the AS answers its client with, per Authlete's action (authlete-java-jaxrs's handlers). */
const AS_STATUS: Record<string, number> = {
  OK: 200,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  INVALID_CLIENT: 401,
  FORBIDDEN: 403,
  INTERNAL_SERVER_ERROR: 500,
};

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

/** A cell that cannot go on: its verdict and why. */
class CellStop extends Error {
  constructor(
    readonly verdict: "error" | "unsupported",
    message: string,
  ) {
    super(message);
  }
}

/**
 * One lab cell: the console plays the test client and its authorization server through one
 * CIBA lifecycle and judges what the client finally received. Every Authlete call goes through
 * the one action call or the gateway under the cell's record; the exchange is kept, masked.
 */
export async function runCell(deps: CellDeps, plan: CellPlan): Promise<LabCell> {
  const { key, service, client, serviceId } = plan;
  const gateway = service.gateway;
  const started = deps.now();
  const exchange: LabStep[] = [];
  const observed: Expected = {};
  let waitedMs = 0;
  let callsMs = 0;
  const seen: { notification: LabCell["notification"] } = { notification: null };

  const step = async <T>(
    who: string,
    what: string,
    request: unknown,
    call: () => Promise<T>,
  ): Promise<T> => {
    const atMs = deps.now() - started;
    const begun = performance.now();
    try {
      const answer = await call();
      const durationMs = Math.round(performance.now() - begun);
      callsMs += durationMs;
      exchange.push({
        who,
        what,
        atMs,
        durationMs,
        request: masked(request),
        answer: masked(answer),
      });
      return answer;
    } catch (error) {
      const durationMs = Math.round(performance.now() - begun);
      callsMs += durationMs;
      const problem = problemOf(error);
      const said = problem
        ? `${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`
        : String(error);
      exchange.push({
        who,
        what,
        atMs,
        durationMs,
        request: masked(request),
        answer: { error: said },
      });
      throw new CellStop("error", `${what}: ${problem?.title ?? "unexpected error"}`);
    }
  };
  const wait = async (ms: number, why: string) => {
    exchange.push({ who: "wait", what: why, atMs: deps.now() - started, durationMs: ms });
    waitedMs += ms;
    await deps.sleep(ms);
  };
  const tell = (what: string, answer: unknown) =>
    exchange.push({
      who: "AS → client",
      what,
      atMs: deps.now() - started,
      durationMs: 0,
      answer: masked(answer),
    });
  const credentials = { clientId: client.clientId, clientSecret: client.clientSecret };

  /** The client asks the token endpoint once; what it received is observed under `prefix`. */
  const tokenRequest = async (authReqId: string) => {
    const parameters = new URLSearchParams({
      grant_type: "urn:openid:params:grant-type:ciba",
      auth_req_id: authReqId,
    }).toString();
    const answer = await step("AS → Authlete", "POST /auth/token", { parameters }, () =>
      gateway.token({ serviceId, parameters, ...credentials }),
    );
    const content = parsed(answer.responseContent);
    const status = AS_STATUS[answer.action ?? ""] ?? null;
    tell(`token endpoint: HTTP ${status ?? "?"}`, content);
    return { answer, content, status };
  };

  const notificationToken =
    client.deliveryMode === "PING" || client.deliveryMode === "PUSH"
      ? randomBytes(24).toString("base64url")
      : undefined;
  const takeNotification = async () => {
    if (!notificationToken) return undefined;
    const body = await deps.labStore.takeNotification(tokenHash(notificationToken));
    seen.notification = {
      arrived: body !== undefined,
      body: body === undefined ? null : masked(parsed(body)),
    };
    observed[FIELD.arrived] = body !== undefined;
    return body === undefined ? undefined : parsed(body);
  };

  try {
    if (notificationToken) await deps.labStore.expectNotification(tokenHash(notificationToken));
    // 1. The client's backchannel authentication request (CIBA Core §7.1), relayed by the AS.
    const parameters = new URLSearchParams({ scope: "openid", login_hint: plan.loginHint });
    if (notificationToken) parameters.set("client_notification_token", notificationToken);
    if (key.outcome === "expiry")
      parameters.set("requested_expiry", String(plan.requestedExpirySeconds));
    const request = { parameters: parameters.toString(), ...credentials };
    const made = await step("AS → Authlete", "POST /backchannel/authentication", request, () =>
      gateway.createTicket({ serviceId, ...request }),
    );
    if (made.action !== "USER_IDENTIFICATION" || !made.ticket) {
      throw new CellStop(
        "error",
        `The client's request was not accepted: action ${made.action ?? "(none)"}${made.resultMessage ? ` (${made.resultMessage})` : ""}`,
      );
    }
    const ticket = made.ticket;

    if (key.outcome.startsWith("fail:")) {
      // 2a. The AS fails the request: the client's request is answered with the error (§13).
      const reason = key.outcome.slice("fail:".length) as FailReason;
      const fail = { serviceId, ticket, reason, ...echoOf(plan.echo) };
      const { answer } = await step(
        "AS → Authlete",
        "POST /backchannel/authentication/fail",
        fail,
        () =>
          performAction(deps.audit, {
            kind: FAIL,
            draft: plan.draft,
            service,
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
      tell(`backchannel authentication answer: HTTP ${status ?? "?"}`, content);
      Object.assign(observed, {
        [FIELD.failAction]: answer.action ?? null,
        [FIELD.clientStatus]: status,
        [FIELD.error]: text(content.error),
        [FIELD.errorDescription]: text(content.error_description),
        [FIELD.errorUri]: text(content.error_uri),
      });
      await takeNotification();
    } else {
      // 2b. The user is identified: /issue, and the client gets its auth_req_id (§7.3).
      const issued = await step(
        "AS → Authlete",
        "POST /backchannel/authentication/issue",
        { ticket },
        () => gateway.issue(serviceId, ticket),
      );
      if (issued.action !== "OK" || !issued.authReqId) {
        throw new CellStop("error", `/issue answered action ${issued.action ?? "(none)"}, not OK`);
      }
      tell("backchannel authentication answer: HTTP 200", parsed(issued.responseContent));
      const authReqId = issued.authReqId;
      const expiresIn = issued.expiresIn ?? 0;
      let intervalMs = (issued.interval ?? 5) * 1000;
      if (key.outcome === "expiry" && expiresIn > LONGEST_EXPIRY_SECONDS) {
        throw new CellStop(
          "unsupported",
          `The service gives the request ${expiresIn} s (requested ${plan.requestedExpirySeconds} s); the lab does not wait longer than ${LONGEST_EXPIRY_SECONDS} s.`,
        );
      }
      const poll = client.deliveryMode === "POLL" || client.deliveryMode === undefined;
      if (poll) {
        // A poll client asks at once, before the user has answered.
        const first = await tokenRequest(authReqId);
        observed[FIELD.pendingError] = text(first.content.error);
      }
      if (key.outcome.startsWith("complete:")) {
        const result = key.outcome.slice("complete:".length) as
          "ACCESS_DENIED" | "TRANSACTION_FAILED" | "AUTHORIZED";
        const complete = {
          serviceId,
          ticket,
          result,
          ...(result === "AUTHORIZED" ? { subject: plan.subject } : echoOf(plan.echo)),
        };
        const { answer } = await step(
          "AS → Authlete",
          "POST /backchannel/authentication/complete",
          complete,
          () =>
            performAction(deps.audit, {
              kind: LAB_COMPLETE,
              draft: plan.draft,
              service,
              request: complete,
              recordedBy: plan.auditId,
            }),
        );
        observed[FIELD.completeAction] = answer.action ?? null;
        if (answer.action === "NOTIFICATION") {
          const own = deps.receiverUrl();
          const endpoint = answer.clientNotificationEndpoint ?? "";
          if (endpoint !== own) {
            throw new CellStop(
              "error",
              `The test client's notification endpoint is ${endpoint || "(none)"}, not this console's receiver ${own ?? "(its address is not known yet)"}: register the receiver as the endpoint (README, QA lab).`,
            );
          }
          const body = answer.responseContent ?? "";
          await step(
            "AS → client",
            `POST ${endpoint}`,
            { authorization: answer.clientNotificationToken ?? "", body },
            async () => ({
              status: await deps.deliver(endpoint, answer.clientNotificationToken ?? "", body),
            }),
          );
        }
      } else {
        // Nobody completes: the request runs out.
        if (poll) {
          // The poll loop below meets the expiry.
        } else {
          await wait(expiresIn * 1000, `until expires_in (${expiresIn} s) has passed`);
        }
      }
      if (client.deliveryMode === "PING" || client.deliveryMode === "PUSH") {
        const body = await takeNotification();
        if (client.deliveryMode === "PING" && body) {
          observed[FIELD.pingFields] = Object.keys(body).sort().join(" ");
        }
        if (client.deliveryMode === "PUSH") {
          if (body) observePush(observed, body);
          await deleteTokens(text(body?.access_token));
        }
      }
      if (client.deliveryMode !== "PUSH") {
        let answer: Awaited<ReturnType<typeof tokenRequest>> | undefined;
        if (poll) {
          // Honour interval and slow_down until the answer is final (§7.3, §11).
          for (;;) {
            await wait(intervalMs, `the interval (${intervalMs / 1000} s)`);
            answer = await tokenRequest(authReqId);
            const error = text(answer.content.error);
            if (error === "slow_down") intervalMs += SLOW_DOWN_SECONDS * 1000;
            else if (error !== "authorization_pending") break;
            if (deps.now() - started > (expiresIn + LONGEST_EXPIRY_SECONDS) * 1000) {
              throw new CellStop(
                "error",
                "The token endpoint still answered authorization_pending after the request's expiry.",
              );
            }
          }
        } else if (seen.notification?.arrived || key.outcome === "expiry") {
          // A ping client asks once it is told (or once it gave up waiting).
          answer = await tokenRequest(authReqId);
        }
        if (answer) {
          observed[FIELD.tokenStatus] = answer.status;
          observed[FIELD.tokenError] = text(answer.content.error);
          if (answer.answer.action === "OK") {
            observed[FIELD.tokenType] = text(answer.content.token_type);
            observed[FIELD.tokenAccess] = typeof answer.content.access_token === "string";
            observed[FIELD.tokenSubject] = answer.answer.subject ?? null;
            const again = await tokenRequest(authReqId);
            observed[FIELD.reuseError] = text(again.content.error);
            await deleteTokens(answer.answer.accessToken ?? null);
          }
        }
      }
    }
  } catch (error) {
    if (!(error instanceof CellStop)) throw error;
    return finished(error.verdict, [], error.message);
  }
  const checks = judgeFields(expectedFor(key, plan.echo, plan.subject), observed);
  return finished(checks.every((check) => check.ok) ? "pass" : "fail", checks, null);

  /** A real cluster's tokens do not outlive the cell (token management's delete). */
  async function deleteTokens(accessToken: string | null): Promise<void> {
    if (!accessToken) return;
    await step("AS → Authlete", "DELETE /auth/token/delete/{token}", { accessToken }, () =>
      gateway.deleteToken(serviceId, accessToken).then(() => ({ deleted: true })),
    );
  }

  function finished(
    verdict: LabCell["verdict"],
    checks: LabCell["checks"],
    detail: string | null,
  ): LabCell {
    return {
      ...key,
      state: "done",
      verdict,
      checks,
      notification: seen.notification,
      exchange,
      detail,
      durationMs: deps.now() - started,
      waitedMs,
      callsMs,
    };
  }
}

function observePush(observed: Expected, body: Record<string, unknown>): void {
  if (typeof body.error === "string") {
    observed[FIELD.pushError] = body.error;
    observed[FIELD.pushDescription] = text(body.error_description);
    observed[FIELD.pushUri] = text(body.error_uri);
    return;
  }
  observed[FIELD.pushTokenType] = text(body.token_type);
  observed[FIELD.pushAccessToken] = typeof body.access_token === "string";
  observed[FIELD.pushIdTokenSubject] = subjectOfIdToken(body.id_token);
}

/** The `sub` of an ID token (its signature is not checked: the lab reads what the client got). */
function subjectOfIdToken(token: unknown): string | null {
  if (typeof token !== "string") return null;
  const payload = parsed(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
  return text(payload.sub);
}

function echoOf(echo: Echo) {
  return {
    ...(echo.errorDescription !== null && { errorDescription: echo.errorDescription }),
    ...(echo.errorUri !== null && { errorUri: echo.errorUri }),
  };
}

function parsed(content: string | undefined | null): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(content ?? "{}");
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
