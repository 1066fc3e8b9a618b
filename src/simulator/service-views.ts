import type { SimulatedService } from "./seed-types";

/**
 * What /service/get/list shows of a service: the limited view Authlete gives a token that may
 * not manage services (docs/authlete-reference.md §5), or part of the full Service object
 * (the spec's Service schema) for one that may. The number is the service's own.
 */
export function limitedView(service: SimulatedService) {
  return {
    apiKey: Number(service.serviceId),
    serviceName: service.name,
    number: service.number,
    clientIdAliasEnabled: false,
  };
}

/** The full Service (the spec's Service schema), from the seed's values. */
export function fullView(service: SimulatedService) {
  return {
    ...limitedView(service),
    backchannelAuthReqIdDuration: service.backchannelAuthReqIdDuration,
    backchannelPollingInterval: service.backchannelPollingInterval,
    backchannelUserCodeParameterSupported: service.backchannelUserCodeParameterSupported,
    backchannelBindingMessageRequiredInFapi: false,
    supportedScopes: service.supportedScopes,
    supportedClaims: service.supportedClaims,
    supportedAcrs: service.supportedAcrs,
    supportedGrantTypes: ["AUTHORIZATION_CODE", "REFRESH_TOKEN", "CIBA"],
    supportedBackchannelTokenDeliveryModes: ["POLL", "PING", "PUSH"],
  };
}

/**
 * A POST body as Authlete reads it: a JSON object, or a form (every value a string). Undefined
 * when it is neither.
 */
export async function readBody(request: Request): Promise<Record<string, unknown> | undefined> {
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(await request.text()));
  }
  const body: unknown = await request.json().catch(() => undefined);
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}
