import { BlockList, isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { hostnameOf, isLoopbackHost } from "./loopback";
import { problemResponse } from "./problem";
import type { AppEnv } from "./app-env";

/**
 * Where a request really comes from, and which address people use: PUBLIC_URL and TRUST_PROXY.
 * Forwarded headers are believed only from a proxy TRUST_PROXY names; from anyone else they
 * are ignored, never believed.
 */

/** TRUST_PROXY: how many nearest hops are proxies, or which addresses are. */
export type TrustProxy =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "addresses"; list: BlockList; text: string };

/** PUBLIC_URL: scheme, host and optional port only. */
export function publicOrigin(value: string): string | { error: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: "must be a URL such as https://ciba-console.example.com" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { error: "must start with https:// (or http://)" };
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    return {
      error:
        "must be an origin only (scheme, host and port): the console is served at the root of its host",
    };
  }
  return url.origin;
}

export function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value.trim() === "" || value.trim() === "0") return { kind: "none" };
  if (/^\d+$/.test(value.trim())) return { kind: "hops", hops: Number(value.trim()) };
  const list = new BlockList();
  for (const entry of value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [address, prefix] = entry.split("/");
    const family = isIP(address ?? "");
    if (family === 0) {
      throw new Error(
        `"${entry}" is not an address or CIDR range (use e.g. 1, or 10.0.0.0/8,127.0.0.1)`,
      );
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      list.addAddress(address!, type);
    } else {
      const bits = Number(prefix);
      if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
        throw new Error(`"${entry}" has an invalid prefix length`);
      }
      list.addSubnet(address!, bits, type);
    }
  }
  return { kind: "addresses", list, text: value };
}

function trusted(trust: TrustProxy, address: string, hop: number): boolean {
  switch (trust.kind) {
    case "none":
      return false;
    case "hops":
      return hop < trust.hops;
    case "addresses": {
      const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
      const family = isIP(plain);
      return family !== 0 && trust.list.check(plain, family === 4 ? "ipv4" : "ipv6");
    }
  }
}

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // Not on Node's server (app.request in a test).
  }
}

function withoutBrackets(address: string): string {
  return address.replace(/^\[(.*)\]$/, "$1");
}

function firstValue(header: string | undefined): string | undefined {
  return header?.split(",")[0]?.trim() || undefined;
}

/** Sets `c.var.client`: where the request comes from and how, as TRUST_PROXY allows. */
export function clientFacts(options: {
  publicUrl: string | undefined;
  trustProxy: TrustProxy;
}): MiddlewareHandler<AppEnv> {
  const { publicUrl, trustProxy } = options;
  return async (c, next) => {
    const socket = socketAddress(c);
    // proxy-addr's walk: socket first, then X-Forwarded-For from right to left, while trusted.
    const forwardedFor = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean)
      .reverse();
    const chain = [socket, ...forwardedFor];
    let hop = 0;
    // Only IP literals are addresses: a name or garbage in the chain ends the walk there, so the
    // last trusted proxy's peer stands (proxy-addr refuses such a chain outright).
    while (
      hop < chain.length - 1 &&
      trusted(trustProxy, chain[hop]!, hop) &&
      isIP(withoutBrackets(chain[hop + 1]!)) !== 0
    ) {
      hop++;
    }
    const viaTrustedProxy = trusted(trustProxy, socket, 0);

    const url = new URL(c.req.url);
    const proto = viaTrustedProxy ? firstValue(c.req.header("x-forwarded-proto")) : undefined;
    const forwardedHost = viaTrustedProxy
      ? firstValue(c.req.header("x-forwarded-host"))
      : undefined;
    const host = forwardedHost ?? c.req.header("host") ?? url.host;
    const scheme = proto === "https" || proto === "http" ? `${proto}:` : url.protocol;
    c.set("client", {
      address: chain[hop]!,
      https: publicUrl ? publicUrl.startsWith("https:") : scheme === "https:",
      origin: publicUrl ?? `${scheme}//${host}`,
      host,
    });
    return next();
  };
}

/**
 * With PUBLIC_URL, a request for another host is refused with 421 (a DNS-rebinding page, a
 * mistyped ingress rule); without it, a request for any name but a loopback one is. After clientFacts, and after the security headers and the request log,
 * so that the refusal carries the one and is in the other. The orchestrator's probes are mounted
 * before it (app.ts), so they answer whatever host they were asked for.
 */
export function publicHostOnly(publicUrl: string | undefined): MiddlewareHandler<AppEnv> {
  const publicHost = publicUrl === undefined ? undefined : new URL(publicUrl).host.toLowerCase();
  return async (c, next) => {
    const host = c.var.client.host.toLowerCase();
    const allowed =
      publicHost === undefined ? isLoopbackHost(hostnameOf(host)) : host === publicHost;
    if (!allowed) {
      c.header("Cache-Control", "no-store");
      return problemResponse(c, {
        kind: "misdirected-request",
        status: 421,
        title: "This console is not served at that address",
        detail: publicUrl
          ? `Open it at ${publicUrl}.`
          : "Without PUBLIC_URL it answers only loopback names (localhost, 127.0.0.1, [::1]).",
      });
    }
    return next();
  };
}
