import { Hono } from "hono";
import { failRequestSchema } from "../../shared/fail-request";
import type { FailResult } from "../../shared/fail-result";
import type { AuthleteGateway } from "../authlete";
import { toClientResponse } from "../client-response";
import type { AppEnv } from "../env";
import { jsonBody } from "../validation";

export function failRoutes(authlete: AuthleteGateway) {
  return new Hono<AppEnv>().post(
    "/backchannel/authentication/fail",
    jsonBody(failRequestSchema),
    async (c) => {
      const request = c.req.valid("json");
      // The ticket is never logged: it is a bearer of the pending request.
      Object.assign(c.var.logFields, {
        serviceId: request.serviceId,
        reason: request.backchannelAuthenticationFailRequest.reason,
      });
      const started = performance.now();
      const answer = await authlete.fail(request);
      c.var.logFields.resultCode = answer.resultCode;
      const result: FailResult = {
        authlete: {
          resultCode: answer.resultCode ?? null,
          resultMessage: answer.resultMessage ?? null,
          action: answer.action ?? null,
          responseContent: answer.responseContent ?? null,
        },
        clientResponse: toClientResponse(answer.action, answer.responseContent),
        meta: {
          requestId: c.var.requestId,
          durationMs: Math.round(performance.now() - started),
          target: authlete.target,
        },
      };
      return c.json(result, 200);
    },
  );
}
