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
} from "@authlete/typescript-sdk/models";
import * as errors from "@authlete/typescript-sdk/models/errors";
import { HTTPClient } from "@authlete/typescript-sdk/lib/http.js";
import type { FailRequest } from "../../shared/fail-request";
import type { Target } from "../../shared/fail-result";
import { UNREADABLE_BODY_HEADER, nodeFetch } from "./node-fetch";
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
}

/** A service as Authlete lists it. */
export interface AuthleteService {
  serviceId: string;
  name: string;
}

/** What the console sends to /complete: never AUTHORIZED, so never a subject. */
export interface CompleteRequest {
  serviceId: string;
  ticket: string;
  result: "ACCESS_DENIED" | "TRANSACTION_FAILED";
  errorDescription?: string;
  errorUri?: string;
}

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
    what: string,
    serviceId: string | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      // Unknown errors are bugs of ours: rethrown as they are, app.onError logs them.
      throw (
        toProblem(error, {
          what,
          serviceId,
          baseUrl: baseUrlOf(),
          timeoutMs: options.timeoutMs,
        }) ?? error
      );
    }
  }

  return {
    get target(): Target {
      return { baseUrl: baseUrlOf(), simulated: options.simulated };
    },

    fail(request: FailRequest): Promise<BackchannelAuthenticationFailResponse> {
      // Only the SDK's own fields go out; the console's (the justification) stay here.
      const { serviceId, backchannelAuthenticationFailRequest } = request;
      return call("fail the ticket", serviceId, () =>
        sdk().ciba.fail({ serviceId, backchannelAuthenticationFailRequest }),
      );
    },

    complete({ serviceId, ...request }: CompleteRequest) {
      // subject is mandatory only for AUTHORIZED (the spec; authlete-java-common), but the SDK
      // 0.0.3-beta types it as a required string: "" stands for none (not yet verified live).
      return call("end the issued request", serviceId, () =>
        sdk().ciba.complete({
          serviceId,
          backchannelAuthenticationCompleteRequest: { ...request, subject: "" },
        }),
      );
    },

    issue(serviceId: string, ticket: string) {
      return call("issue the test request", serviceId, () =>
        sdk().ciba.issue({ serviceId, backchannelAuthenticationIssueRequest: { ticket } }),
      );
    },

    createTicket(request: TicketRequest): Promise<BackchannelAuthenticationResponse> {
      return call("create a ticket", request.serviceId, () =>
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
          page = await call("list services", undefined, () =>
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
        await call("check the connection", undefined, () =>
          sdk().service.list({ start: 0, end: 1 }),
        );
      } catch (error) {
        if (error instanceof ProblemError && error.init.upstreamStatus === 403) return;
        throw error;
      }
    },
  };
}

interface CallContext {
  what: string;
  serviceId: string | undefined;
  baseUrl: string;
  timeoutMs: number;
}

/** Maps every error the SDK raises to the problem an operator should read. */
export function toProblem(error: unknown, context: CallContext): ProblemError | undefined {
  const where = `Authlete at ${context.baseUrl}`;
  // ResponseValidationError extends AuthleteError, so it is checked first; a 2xx that is not
  // Authlete's JSON (a proxy's HTML page, say) reaches us as a plain AuthleteError.
  if (
    error instanceof errors.ResponseValidationError ||
    (error instanceof errors.AuthleteError &&
      (error.statusCode < 300 || error.headers.has(UNREADABLE_BODY_HEADER)))
  ) {
    return new ProblemError({
      kind: "authlete-bad-answer",
      status: 502,
      title: "Authlete's answer could not be understood",
      detail: `${where} answered HTTP ${error.statusCode} with a body that is not the JSON Authlete sends. Check AUTHLETE_BASE_URL points at an Authlete API, not a proxy or web page.`,
      upstreamStatus: error.statusCode,
    });
  }
  if (error instanceof errors.AuthleteError) {
    const status = error.statusCode;
    const result =
      error instanceof errors.ResultError
        ? { resultCode: error.resultCode, resultMessage: error.resultMessage }
        : {};
    const retryAfter = Number(error.headers.get("retry-after") ?? Number.NaN);
    return new ProblemError({
      kind: "authlete-refused",
      status: 502,
      ...refusalText(status, context),
      upstreamStatus: status,
      ...result,
      ...(Number.isInteger(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  if (error instanceof errors.RequestTimeoutError) {
    return new ProblemError({
      kind: "authlete-timeout",
      status: 504,
      title: "Authlete did not answer in time",
      detail: `${where} gave no answer within ${context.timeoutMs} ms (AUTHLETE_TIMEOUT_MS) while trying to ${context.what}. The call may or may not have taken effect; trying again is safe, failing a ticket twice does no harm.`,
    });
  }
  if (error instanceof errors.ConnectionError || error instanceof errors.RequestAbortedError) {
    return new ProblemError({
      kind: "authlete-unreachable",
      status: 502,
      title: "Authlete could not be reached",
      detail: `No connection to ${where} while trying to ${context.what}. Check AUTHLETE_BASE_URL and the network.`,
    });
  }
  // The SDK parses a body by its Content-Type: a body that claims to be JSON and is not (a
  // proxy's error page, a cut answer) surfaces as the parser's SyntaxError, whatever the status.
  if (error instanceof errors.SDKValidationError || error instanceof SyntaxError) {
    return new ProblemError({
      kind: "authlete-bad-answer",
      status: 502,
      title: "Authlete's answer could not be understood",
      detail: `${where} answered with a body that is not the JSON Authlete sends (or not in its shape). Check AUTHLETE_BASE_URL points at an Authlete API, not a proxy or web page.`,
    });
  }
  return undefined;
}

function refusalText(status: number, context: CallContext): { title: string; detail: string } {
  switch (status) {
    case 401:
      return {
        title: "Authlete rejected the access token",
        detail:
          "AUTHLETE_ACCESS_TOKEN is missing, wrong, expired or revoked. Create a new token in the Authlete console.",
      };
    case 403:
      return {
        title: context.serviceId
          ? `The access token may not use service ${context.serviceId}`
          : "The access token may not do this",
        detail: context.serviceId
          ? `Authlete refused to ${context.what}: the token does not cover service ${context.serviceId}. Check the service ID, or use an organization token or this service's own token.`
          : `Authlete refused to ${context.what} with this token.`,
      };
    case 400:
      return {
        title: "Authlete rejected the request as malformed",
        detail: `Authlete could not read the request to ${context.what}.`,
      };
    case 429:
      return {
        title: "Authlete is rate-limiting this token",
        detail: `Authlete answered 429 Too Many Requests while trying to ${context.what}. Nothing was done; wait and try again.`,
      };
    default:
      return status >= 500
        ? {
            title: "Authlete failed to process the request",
            detail: `Authlete answered HTTP ${status} while trying to ${context.what}. Try again; if it persists, check Authlete's status page.`,
          }
        : {
            title: `Authlete answered HTTP ${status}`,
            detail: `Unexpected answer while trying to ${context.what}. Check AUTHLETE_BASE_URL.`,
          };
  }
}
