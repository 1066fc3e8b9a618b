/**
 * The parameters of a backchannel authentication request as Authlete reads them: the form the
 * AS forwards, or, when it carries a request object (`request`, CIBA Core §7.1.1), the claims
 * of that object's payload, which then take the place of the form's parameters. The
 * simulator does not check the object's signature (it holds no client keys): say so wherever
 * this is documented.
 */
export interface RequestParameters {
  /** One value (a number claim as its decimal text); null when absent. */
  get(name: string): string | null;
  /** Every value of a repeatable parameter (`resource`). */
  getAll(name: string): string[];
  /** A claim that is JSON in a request object, or JSON text in the form. */
  json(name: string): { value: unknown } | { malformed: true } | undefined;
}

export function formParameters(form: URLSearchParams): RequestParameters {
  return {
    get: (name) => form.get(name),
    getAll: (name) => form.getAll(name),
    json: (name) => {
      const text = form.get(name);
      if (text === null || text === "") return undefined;
      try {
        return { value: JSON.parse(text) as unknown };
      } catch {
        return { malformed: true };
      }
    },
  };
}

/**
 * The request's parameters: the request object's claims when there is one (undefined when
 * `request` is not a JWS with a JSON object payload), else the form's.
 */
export function requestParameters(form: URLSearchParams): RequestParameters | undefined {
  const request = form.get("request");
  if (request === null || request === "") return formParameters(form);
  const claims = payloadOf(request);
  if (!claims) return undefined;
  const text = (value: unknown) =>
    typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
  return {
    get: (name) => text(claims[name]),
    getAll: (name) => {
      const value = claims[name];
      return (Array.isArray(value) ? value : [value]).map(text).filter((v) => v !== null);
    },
    json: (name) => (claims[name] === undefined ? undefined : { value: claims[name] }),
  };
}

/** A compact JWS's payload, as a JSON object (its signature is not checked). */
function payloadOf(jws: string): Record<string, unknown> | undefined {
  const parts = jws.split(".");
  if (parts.length !== 3 || !/^[\w-]+$/.test(parts[1] ?? "")) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as unknown;
    return typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
