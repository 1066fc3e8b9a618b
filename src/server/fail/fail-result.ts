import type { BackchannelAuthenticationFailResponse } from "@authlete/typescript-sdk/models";
import type { FailResult } from "../../shared/fail-result";
import { toClientResponse } from "./client-response";

/** The page's answer: Authlete's answer as it came, and what the AS now sends its client. */
export function failResultOf(
  answer: BackchannelAuthenticationFailResponse,
  meta: FailResult["meta"],
): FailResult {
  return {
    authlete: {
      resultCode: answer.resultCode ?? null,
      resultMessage: answer.resultMessage ?? null,
      action: answer.action ?? null,
      responseContent: answer.responseContent ?? null,
    },
    clientResponse: toClientResponse(answer.action, answer.responseContent),
    meta,
  };
}

/** What an invalid request's record keeps of it: the fields that can be read, if short. */
export function readableFields(body: unknown) {
  const outer = isRecord(body) ? body : {};
  const inner = isRecord(outer.backchannelAuthenticationFailRequest)
    ? outer.backchannelAuthenticationFailRequest
    : {};
  return {
    serviceId: shortText(outer.serviceId, 64),
    ticket: shortText(inner.ticket, 256),
    reason: shortText(inner.reason, 64),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shortText(value: unknown, max: number): string | null {
  return typeof value === "string" && value.length <= max ? value : null;
}
