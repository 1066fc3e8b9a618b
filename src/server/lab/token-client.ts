import { FIELD } from "../../shared/lab-expectations";
import type { Expected } from "../../shared/lab-expectations";
import type { AuthleteGateway } from "../authlete/gateway";
import { CellStop } from "./cell-log";
import type { CellLog } from "./cell-log";
import { AS_STATUS, parsed, text } from "./client-answers";

/** An expiry longer than this is not waited for: the cell is unsupported (the rule). */
export const LONGEST_EXPIRY_SECONDS = 120;

/** CIBA Core §7.3 (after RFC 8628 §3.5): a client told slow_down adds 5 s to its interval. */
const SLOW_DOWN_SECONDS = 5;

export type TokenAnswer = Awaited<ReturnType<TokenClient["request"]>>;

/**
 * The test client at its AS's token endpoint (CIBA Core §10.1): the AS relays each request to
 * Authlete's /auth/token and answers the client with what Authlete gives it.
 */
export class TokenClient {
  constructor(
    private readonly log: CellLog,
    private readonly gateway: AuthleteGateway,
    private readonly serviceId: string,
    private readonly credentials: { clientId: string; clientSecret: string },
  ) {}

  /** The client asks the token endpoint once. */
  async request(authReqId: string) {
    const parameters = new URLSearchParams({
      grant_type: "urn:openid:params:grant-type:ciba",
      auth_req_id: authReqId,
    }).toString();
    const answer = await this.log.call("AS → Authlete", "POST /auth/token", { parameters }, () =>
      this.gateway.token({ serviceId: this.serviceId, parameters, ...this.credentials }),
    );
    const content = parsed(answer.responseContent);
    const status = AS_STATUS[answer.action ?? ""] ?? null;
    this.log.tell(`token endpoint: HTTP ${status ?? "?"}`, content);
    return { answer, content, status };
  }

  /** Honour interval and slow_down until the answer is final (§7.3, §11). */
  async pollUntilFinal(
    authReqId: string,
    intervalSeconds: number | undefined,
    expiresIn: number,
  ): Promise<TokenAnswer> {
    let intervalMs = (intervalSeconds ?? 5) * 1000;
    for (;;) {
      await this.log.wait(intervalMs, `the interval (${intervalMs / 1000} s)`);
      const answer = await this.request(authReqId);
      const error = text(answer.content.error);
      if (error === "slow_down") intervalMs += SLOW_DOWN_SECONDS * 1000;
      else if (error !== "authorization_pending") return answer;
      if (this.log.elapsedMs() > (expiresIn + LONGEST_EXPIRY_SECONDS) * 1000) {
        throw new CellStop(
          "error",
          "The token endpoint still answered authorization_pending after the request's expiry.",
        );
      }
    }
  }

  /**
   * What the client's final token answer told it; after tokens, a second request with the same
   * auth_req_id (it must be used up), then the tokens are deleted.
   */
  async observe(
    authReqId: string,
    answer: TokenAnswer,
    observed: Expected,
    deleteTokens: (accessToken: string | null) => Promise<void>,
  ): Promise<void> {
    observed[FIELD.tokenStatus] = answer.status;
    observed[FIELD.tokenError] = text(answer.content.error);
    if (answer.answer.action !== "OK") return;
    observed[FIELD.tokenType] = text(answer.content.token_type);
    observed[FIELD.tokenAccess] = typeof answer.content.access_token === "string";
    observed[FIELD.tokenSubject] = answer.answer.subject ?? null;
    const again = await this.request(authReqId);
    observed[FIELD.reuseError] = text(again.content.error);
    await deleteTokens(answer.answer.accessToken ?? null);
  }
}
