/**
 * The only importer of the Authlete SDK. Everything Authlete can answer or fail with leaves this
 * file either as an SDK model or as a ProblemError an operator understands. The access token is
 * handed to the SDK and never put in a message.
 */
import { Authlete } from "@authlete/typescript-sdk";
import type {
  BackchannelAuthenticationCompleteResponse,
  BackchannelAuthenticationFailResponse,
  BackchannelAuthenticationIssueResponse,
  BackchannelAuthenticationResponse,
  TokenResponse,
} from "@authlete/typescript-sdk/models";
import { HTTPClient } from "@authlete/typescript-sdk/lib/http.js";
import type { FailRequest } from "../../shared/fail-request";
import type { Target } from "../../shared/fail-result";
import { nodeFetch } from "./node-fetch";
import { toProblem } from "./problems";
import { ProblemError } from "../http/problem";

export interface AuthleteGatewayOptions {
  /**
   * Authlete's address; a function for the embedded simulator, whose address is known only once
   * it listens (at the console's start, not when it is built).
   */
  baseUrl: string | (() => string);
  accessToken: string;
  timeoutMs: number;
  simulated: boolean;
  /** Told of every call: its operation, seconds, and HTTP status (else timeout, network…). */
  observe?: CallObserver;
}

export type CallObserver = (operation: AuthleteOperation, seconds: number, status: string) => void;

/** The metrics' names of the calls (a bounded label: never a path with a service or a token). */
export type AuthleteOperation =
  "fail" | "complete" | "issue" | "authentication" | "token" | "token_delete" | "service_list";

/** The metrics' status of a call that got no HTTP status: why, in one bounded word. */
const NO_STATUS: Record<string, string> = {
  "authlete-timeout": "timeout",
  "authlete-unreachable": "network",
  "authlete-bad-answer": "bad_answer",
  error: "error",
};

/** A service as Authlete lists it. */
export interface AuthleteService {
  serviceId: string;
  name: string;
}

/**
 * What the console sends to /complete. AUTHORIZED (with the user's subject) only from a QA lab
 * run on a test service (lab/lab-cell.ts); an operator's end is one of the refusing results.
 */
export interface CompleteRequest {
  serviceId: string;
  ticket: string;
  result: "ACCESS_DENIED" | "TRANSACTION_FAILED" | "AUTHORIZED";
  subject?: string;
  errorDescription?: string;
  errorUri?: string;
}

/** A client's request relayed by the AS (its form-encoded body and credentials). */
export interface TicketRequest {
  serviceId: string;
  clientId: string;
  clientSecret: string;
  /** The client's backchannel authentication request, form-encoded. */
  parameters: string;
}

/** Authlete's service list is paged; this many per call keeps a large organisation to few calls. */
const SERVICE_PAGE_SIZE = 20;

/** One Authlete cluster and token, as the console uses it (a port; the SDK is its one door). */
export interface AuthleteGateway {
  readonly target: Target;
  fail(request: FailRequest): Promise<BackchannelAuthenticationFailResponse>;
  /** /complete with a refusing result: ends an issued request. */
  complete(request: CompleteRequest): Promise<BackchannelAuthenticationCompleteResponse>;
  /** /issue: hands out the auth_req_id (issued test requests only). */
  issue(serviceId: string, ticket: string): Promise<BackchannelAuthenticationIssueResponse>;
  createTicket(request: TicketRequest): Promise<BackchannelAuthenticationResponse>;
  /** /auth/token: a test client's token request, as the AS's token endpoint relays it. */
  token(request: TicketRequest): Promise<TokenResponse>;
  /** Deletes an access token (token management): a lab run's tokens do not outlive it. */
  deleteToken(serviceId: string, accessToken: string): Promise<void>;
  /** Every service the token can see, paged to the end; [] when it may not list services. */
  listServices(): Promise<AuthleteService[]>;
  /** Authlete answers with this token: 2xx, or 403 for a token that may not list services. */
  checkReachable(): Promise<void>;
}

export function createAuthleteGateway(options: AuthleteGatewayOptions): AuthleteGateway {
  const { baseUrl } = options;
  const baseUrlOf = typeof baseUrl === "string" ? () => baseUrl : baseUrl;
  let client: Authlete | undefined;
  const sdk = () =>
    (client ??= new Authlete({
      httpClient: new HTTPClient({ fetcher: nodeFetch }),
      serverURL: baseUrlOf(),
      bearer: options.accessToken,
      timeoutMs: options.timeoutMs,
      // No retryConfig: a fail call is repeated only when the operator asks (no silent retry).
    }));

  async function call<T>(
    operation: AuthleteOperation,
    what: string,
    serviceId: string | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    const observe = (status: string) =>
      options.observe?.(operation, (performance.now() - started) / 1000, status);
    try {
      const answer = await run();
      observe("200");
      return answer;
    } catch (error) {
      const problem = toProblem(error, {
        what,
        serviceId,
        baseUrl: baseUrlOf(),
        timeoutMs: options.timeoutMs,
      });
      const status = problem?.init.upstreamStatus;
      observe(
        status !== undefined
          ? String(status)
          : (NO_STATUS[problem?.init.kind ?? "error"] ?? "error"),
      );
      // Unknown errors are bugs of ours: rethrown as they are, app.onError logs them.
      throw problem ?? error;
    }
  }

  return {
    get target(): Target {
      return { baseUrl: baseUrlOf(), simulated: options.simulated };
    },

    fail(request: FailRequest): Promise<BackchannelAuthenticationFailResponse> {
      // Only the SDK's own fields go out; the console's (the justification) stay here.
      const { serviceId, backchannelAuthenticationFailRequest } = request;
      return call("fail", "fail the ticket", serviceId, () =>
        sdk().ciba.fail({ serviceId, backchannelAuthenticationFailRequest }),
      );
    },

    complete({ serviceId, subject, ...request }: CompleteRequest) {
      // subject is mandatory only for AUTHORIZED (the spec; authlete-java-common), but the SDK
      // 0.0.3-beta types it as a required string: "" stands for none (not yet verified live).
      return call("complete", "end the issued request", serviceId, () =>
        sdk().ciba.complete({
          serviceId,
          backchannelAuthenticationCompleteRequest: { ...request, subject: subject ?? "" },
        }),
      );
    },

    token({ serviceId, ...tokenRequest }: TicketRequest) {
      return call("token", "ask the token endpoint", serviceId, () =>
        sdk().token.process({ serviceId, tokenRequest }),
      );
    },

    deleteToken(serviceId: string, accessToken: string) {
      return call("token_delete", "delete the test token", serviceId, () =>
        sdk().token.management.delete({ serviceId, accessTokenIdentifier: accessToken }),
      );
    },

    issue(serviceId: string, ticket: string) {
      return call("issue", "issue the test request", serviceId, () =>
        sdk().ciba.issue({ serviceId, backchannelAuthenticationIssueRequest: { ticket } }),
      );
    },

    createTicket(request: TicketRequest): Promise<BackchannelAuthenticationResponse> {
      return call("authentication", "create a ticket", request.serviceId, () =>
        sdk().ciba.processAuthentication({
          serviceId: request.serviceId,
          backchannelAuthenticationRequest: {
            parameters: request.parameters,
            clientId: request.clientId,
            clientSecret: request.clientSecret,
          },
        }),
      );
    },

    async listServices(): Promise<AuthleteService[]> {
      const found: AuthleteService[] = [];
      for (let start = 0; ; start += SERVICE_PAGE_SIZE) {
        let page;
        try {
          page = await call("service_list", "list services", undefined, () =>
            sdk().service.list({ start, end: start + SERVICE_PAGE_SIZE }),
          );
        } catch (error) {
          if (error instanceof ProblemError && error.init.upstreamStatus === 403) return [];
          throw error;
        }
        const services = page.services ?? [];
        for (const service of services) {
          if (service.apiKey === undefined) continue;
          found.push({ serviceId: String(service.apiKey), name: service.serviceName ?? "" });
        }
        const total = page.totalCount ?? 0;
        if (services.length === 0 || start + SERVICE_PAGE_SIZE >= total) return found;
      }
    },

    async checkReachable(): Promise<void> {
      try {
        await call("service_list", "check the connection", undefined, () =>
          sdk().service.list({ start: 0, end: 1 }),
        );
      } catch (error) {
        if (error instanceof ProblemError && error.init.upstreamStatus === 403) return;
        throw error;
      }
    },
  };
}
