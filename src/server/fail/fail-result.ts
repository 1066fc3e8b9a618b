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
