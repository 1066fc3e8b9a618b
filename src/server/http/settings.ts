import { z } from "zod";
import { optional } from "../../shared/fail-request";
import { isLoopbackHost } from "./loopback";
import { parseTrustProxy, publicOrigin } from "./public-address";

/** Where the console listens, how long a client may take, and who it is behind. */
export const httpSettings = z
  .object({
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce
      .number({ error: "must be a port number" })
      .int()
      .min(0, "must be 0 to 65535")
      .max(65535, "must be 0 to 65535")
      .default(8787),
    HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
    REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    PUBLIC_URL: optional(z.string()).transform((value, ctx) => {
      if (value === undefined) return undefined;
      const origin = publicOrigin(value);
      if (typeof origin === "string") return origin;
      ctx.addIssue({ code: "custom", message: origin.error });
      return z.NEVER;
    }),
    TRUST_PROXY: optional(z.string()).transform((value, ctx) => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"),
    SERVE_SOURCE_MAPS: optional(
      z.enum(["true", "false"], { error: "must be true or false" }),
    ).default("false"),
  })
  .superRefine((e, ctx) => {
    // Without PUBLIC_URL only loopback Host names are accepted (DNS rebinding): a console
    // listening elsewhere would refuse everyone, so it says what to set instead of starting.
    if (!isLoopbackHost(e.HOST) && e.PUBLIC_URL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["HOST"],
        message: `${e.HOST} is not a loopback address: set PUBLIC_URL to the address people open (e.g. https://ciba-console.example.com), so that requests for any other host name are refused`,
      });
    }
  })
  .transform((e) => ({
    host: e.HOST,
    port: e.PORT,
    /** How long a client may take to send its headers, and its whole request. */
    requestTimeouts: {
      headersMs: e.HEADERS_TIMEOUT_SECONDS * 1000,
      requestMs: Math.max(e.REQUEST_TIMEOUT_SECONDS, e.HEADERS_TIMEOUT_SECONDS) * 1000,
    },
    /** The origin people use (scheme, host, port); absent: loopback behaviour. */
    publicUrl: e.PUBLIC_URL,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    /** The built page's source maps are served only when asked (they show the whole source). */
    serveSourceMaps: e.SERVE_SOURCE_MAPS === "true",
    /** Said once at start. */
    httpWarnings: warningsOf(e.HOST, e.TRUST_PROXY),
  }));

function warningsOf(host: string, trustProxy: ReturnType<typeof parseTrustProxy>): string[] {
  if (trustProxy.kind !== "hops" || isLoopbackHost(host)) return [];
  return [
    `TRUST_PROXY=${trustProxy.hops} believes X-Forwarded-For from any direct peer, and HOST=${host} can be reached from other machines: anyone who reaches this replica around the proxy can claim any address. Name the proxies instead (TRUST_PROXY=10.0.0.0/8 or their addresses), and make replicas reachable only through the proxy.`,
  ];
}
