/**
 * What an invalid action request's record keeps of it: the fields that can be read, if short.
 * `inner` names the SDK request object (backchannelAuthenticationFailRequest, …CompleteRequest)
 * and `reason` its reason or result field.
 */
export function readableFields(body: unknown, inner: string, reason: string) {
  const outer = isRecord(body) ? body : {};
  const request = isRecord(outer[inner]) ? outer[inner] : {};
  return {
    serviceId: shortText(outer.serviceId, 64),
    ticket: shortText(request.ticket, 256),
    reason: shortText(request[reason], 64),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shortText(value: unknown, max: number): string | null {
  return typeof value === "string" && value.length <= max ? value : null;
}
