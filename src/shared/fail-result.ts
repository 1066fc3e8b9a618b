import { z } from "zod";
import { FAIL_ACTIONS } from "./reasons";

/** Where the BFF sent the call; shown on the page so nobody mistakes the simulator for Authlete. */
export const targetSchema = z.object({
  baseUrl: z.string(),
  simulated: z.boolean(),
});

/** The BFF's 200 answer to POST /api/backchannel/authentication/fail. */
export const failResultSchema = z.object({
  /** Authlete's answer, as it returned it (absent fields are null). */
  authlete: z.object({
    resultCode: z.string().nullable(),
    resultMessage: z.string().nullable(),
    action: z.enum(FAIL_ACTIONS).nullable(),
    responseContent: z.string().nullable(),
  }),
  /** What the authorization server now sends to its client. */
  clientResponse: z.object({
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
    /** responseContent parsed; null when it is absent or not JSON (see note). */
    body: z.unknown(),
    note: z.string().optional(),
  }),
  meta: z.object({
    requestId: z.string(),
    durationMs: z.number(),
    target: targetSchema,
  }),
});

export type FailResult = z.infer<typeof failResultSchema>;
export type Target = z.infer<typeof targetSchema>;
