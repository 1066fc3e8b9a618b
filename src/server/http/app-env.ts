import type { Principal } from "../identity/sessions";

/** What every request of the console carries (Hono's `Variables`), and who sent it. */

/** What the console knows of a request once TRUST_PROXY is applied. */
export interface ClientFacts {
  /** The client's address: the socket's, or the nearest untrusted one in X-Forwarded-For. */
  address: string;
  /** Whether the browser reached the console over https. */
  https: boolean;
  /** The origin the browser used, which its writes must come from. */
  origin: string;
  /** The host the browser asked for: Host, or a trusted proxy's X-Forwarded-Host. */
  host: string;
}

/** Fields a route adds to its request's log line (e.g. serviceId, reason, resultCode). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export type AppEnv = {
  Variables: {
    /** This console's id for the request: always made here, never taken from the caller. */
    requestId: string;
    /** The caller's own X-Request-Id when it is well formed, kept beside ours for correlation. */
    callerRequestId: string | undefined;
    logFields: LogFields;
    /** Who is signed in; set by requireSession, so present in every route behind it. */
    principal: Principal;
    /** Where the request comes from, as PUBLIC_URL and TRUST_PROXY say (public-address.ts). */
    client: ClientFacts;
    /** This answer's CSP nonce (securityHeaders): only the first frame's early script uses it. */
    secureHeadersNonce?: string;
  };
};
