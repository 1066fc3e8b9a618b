import { createHmac, randomBytes } from "node:crypto";
import { authenticatedClient, errorContent } from "./ciba-requests";
import { RESULT } from "./result-codes";
import type { ResultCode } from "./result-codes";
import type { SimulatedClient, SimulatedService } from "./seed-types";
import type { TicketStore } from "./ticket-store";

const CIBA_GRANT = "urn:openid:params:grant-type:ciba";

/** An issued request /complete ended: what its token request gets, until it expires. */
interface Completed {
  serviceId: string;
  clientId: string;
  result: "AUTHORIZED" | "ACCESS_DENIED" | "TRANSACTION_FAILED";
  subject: string | undefined;
  expiresAt: number;
}

/** The newest completions kept; a long-running simulator must not grow. */
const KEPT = 10_000;

/**
 * Authlete's /auth/token for the CIBA grant (CIBA Core 1.0 §10.1, §11): the AS forwards the
 * client's token request and credentials. Before completion `authorization_pending`, or
 * `slow_down` when polled faster than the service's interval (CIBA leaves this to the AS: the
 * simulator's own choice); after it the result's error, or the tokens once (the auth_req_id is
 * then used up); past its expiry `expired_token`; an unknown, used or other client's auth_req_id
 * `invalid_grant`. Authlete's result codes for these are not public: the simulator's own.
 */
export function createCibaTokens(deps: {
  tickets: TicketStore;
  clients: readonly SimulatedClient[];
  now: () => number;
  answer: (status: 200, result: ResultCode, extra?: object) => Response;
}) {
  const { tickets, clients, now, answer } = deps;
  const completed = new Map<string, Completed>();
  /** Every auth_req_id /issue handed out, with whose it is and until when it lives. */
  const issuedIds = new Map<string, { serviceId: string; clientId: string; expiresAt: number }>();
  const lastPoll = new Map<string, number>();
  /** Access tokens handed out, by service: token management may delete them. */
  const accessTokens = new Map<string, string>();

  /** An access token and ID token for the user `subject` (CIBA Core §10.1; §10.3.1 for push). */
  function mint(client: SimulatedClient, subject: string | undefined, authReqId: string) {
    const accessToken = randomBytes(32).toString("base64url");
    accessTokens.set(accessToken, client.serviceId);
    if (accessTokens.size > KEPT) accessTokens.delete(accessTokens.keys().next().value!);
    const issuedAt = Math.floor(now() / 1000);
    const idToken = signedJwt(client.clientSecret ?? "", {
      iss: "https://authlete-simulator.invalid",
      sub: subject,
      aud: client.clientId,
      iat: issuedAt,
      exp: issuedAt + TOKEN_LIFETIME,
      "urn:openid:params:jwt:claim:auth_req_id": authReqId,
    });
    return { accessToken, idToken, expiresIn: TOKEN_LIFETIME };
  }

  const refusal = (error: string, code: ResultCode, client?: SimulatedClient) =>
    answer(200, code, {
      action: "BAD_REQUEST",
      ...(client && { clientId: Number(client.clientId), clientIdAliasUsed: false }),
      responseContent: errorContent(error, code),
    });

  return {
    mint,

    /** Token management's delete: whether the service held this access token. */
    deleteToken(serviceId: string, accessToken: string): boolean {
      if (accessTokens.get(accessToken) !== serviceId) return false;
      accessTokens.delete(accessToken);
      return true;
    },

    /** /issue handed out an auth_req_id. */
    issued(authReqId: string, entry: { serviceId: string; clientId: string; expiresAt: number }) {
      issuedIds.set(authReqId, entry);
      if (issuedIds.size > KEPT) issuedIds.delete(issuedIds.keys().next().value!);
    },

    /** /complete ended an issued request. */
    complete(authReqId: string, entry: Completed): void {
      completed.set(authReqId, entry);
      issuedIds.delete(authReqId);
      if (completed.size > KEPT) completed.delete(completed.keys().next().value!);
    },

    token(body: Record<string, unknown>, service: SimulatedService): Response {
      if (typeof body.parameters !== "string") {
        return answer(200, RESULT.tokenNoParameters, {
          action: "INTERNAL_SERVER_ERROR",
          responseContent: errorContent("server_error", RESULT.tokenNoParameters),
        });
      }
      const parameters = new URLSearchParams(body.parameters);
      const client = authenticatedClient(clients, service.serviceId, body, parameters);
      if (!client) {
        return answer(200, RESULT.clientAuthFailed, {
          action: "INVALID_CLIENT",
          responseContent: errorContent("invalid_client", RESULT.clientAuthFailed),
        });
      }
      if (parameters.get("grant_type") !== CIBA_GRANT) {
        return refusal("unsupported_grant_type", RESULT.tokenUnsupportedGrant, client);
      }
      const authReqId = parameters.get("auth_req_id");
      if (!authReqId) return refusal("invalid_request", RESULT.tokenNoAuthReqId, client);
      const mine = (entry: { serviceId: string; clientId: string }) =>
        entry.serviceId === service.serviceId && entry.clientId === client.clientId;

      const done = completed.get(authReqId);
      if (done && mine(done)) {
        if (done.expiresAt <= now() || done.result === "TRANSACTION_FAILED") {
          return refusal("expired_token", RESULT.tokenExpired, client);
        }
        if (done.result === "ACCESS_DENIED") {
          return refusal("access_denied", RESULT.tokenAccessDenied, client);
        }
        completed.delete(authReqId); // used up
        const minted = mint(client, done.subject, authReqId);
        return answer(200, RESULT.tokenIssued, {
          action: "OK",
          clientId: Number(client.clientId),
          clientIdAliasUsed: false,
          grantType: "CIBA",
          subject: done.subject,
          accessToken: minted.accessToken,
          accessTokenDuration: minted.expiresIn,
          idToken: minted.idToken,
          responseContent: JSON.stringify({
            access_token: minted.accessToken,
            token_type: "Bearer",
            expires_in: minted.expiresIn,
            scope: "openid",
            id_token: minted.idToken,
          }),
        });
      }
      const known = issuedIds.get(authReqId);
      if (!known || !mine(known) || done) {
        return refusal("invalid_grant", RESULT.tokenInvalidGrant, client);
      }
      if (known.expiresAt <= now()) return refusal("expired_token", RESULT.tokenExpired, client);
      // Issued and not ended, but no longer held: failed through /fail, which deletes it.
      if (!tickets.findIssued(authReqId)) {
        return refusal("invalid_grant", RESULT.tokenInvalidGrant, client);
      }
      const previous = lastPoll.get(authReqId);
      lastPoll.set(authReqId, now());
      if (lastPoll.size > KEPT) lastPoll.delete(lastPoll.keys().next().value!);
      if (previous !== undefined && now() - previous < service.backchannelPollingInterval * 1000) {
        return refusal("slow_down", RESULT.tokenSlowDown, client);
      }
      return refusal("authorization_pending", RESULT.tokenPending, client);
    },
  };
}

export type CibaTokens = ReturnType<typeof createCibaTokens>;

/** How long the simulator's access and ID tokens live (seconds). */
const TOKEN_LIFETIME = 3600;

/** A JWS (HS256 with the client's secret, as OIDC Core §10.1 allows for confidential clients). */
function signedJwt(secret: string, claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}
