import { isIP } from "node:net";

/**
 * Loopback names and addresses: what the console accepts without PUBLIC_URL (a DNS-rebinding
 * page arrives under another name), and where plain http carries no secret off the machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIP(name) === 4) return name.startsWith("127.");
  return name === "::1" || name === "::ffff:127.0.0.1";
}

/** A URL whose host is loopback (a malformed URL is not). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The host name of a Host header value ("[::1]:8787" → "[::1]", "a.example:80" → "a.example"). */
export function hostnameOf(host: string): string {
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
}

/**
 * Plain http that would carry a bearer token off this machine: refused unless
 * ALLOW_INSECURE_AUTHLETE_URL=true (a lab network the team accepts). Returns the problem, if any.
 */
export function insecureUrlProblem(
  url: string,
  allowInsecure: string | undefined,
): string | undefined {
  if (allowInsecure === "true" || !url.startsWith("http:") || isLoopbackUrl(url)) return undefined;
  return "must be https:// (the access token would travel in clear); set ALLOW_INSECURE_AUTHLETE_URL=true only on a network you trust";
}
