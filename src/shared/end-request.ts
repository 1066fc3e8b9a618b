import { z } from "zod";
import {
  errorDescriptionSchema,
  errorUriSchema,
  justificationSchema,
  optional,
  serviceIdSchema,
  ticketSchema,
} from "./fail-request";

/**
 * Ending an issued request: the SDK's BackchannelAuthenticationCompleteApiRequest, with only
 * the two results that refuse. AUTHORIZED is refused by name: the console never authorizes
 * anyone.
 */
export const END_RESULTS = ["TRANSACTION_FAILED", "ACCESS_DENIED"] as const;
export type EndResult = (typeof END_RESULTS)[number];

/** What the client receives for each result (Authlete's /complete; CIBA Core §11). */
export const END_RESULT_INFO: Record<EndResult, { error: string; summary: string }> = {
  TRANSACTION_FAILED: {
    error: "expired_token",
    summary:
      "The client gets expired_token: the usual choice for a request the authorization server lost (Authlete: usable as a generic error).",
  },
  ACCESS_DENIED: {
    error: "access_denied",
    summary: "The client gets access_denied: the user (or the server for them) said no.",
  },
};

/** Why AUTHORIZED is refused wherever a result is asked for (single ends, bulk jobs). */
export const NEVER_AUTHORIZED =
  "The console never authorizes anyone: choose TRANSACTION_FAILED or ACCESS_DENIED.";

export const endResultSchema = z.enum(END_RESULTS, {
  error: (issue) =>
    issue.input === "AUTHORIZED" ? NEVER_AUTHORIZED : "Choose TRANSACTION_FAILED or ACCESS_DENIED.",
});

// Strict, as the fail request: a misspelt field is refused, not dropped.
export const endRequestSchema = z.strictObject({
  serviceId: serviceIdSchema,
  backchannelAuthenticationCompleteRequest: z.strictObject({
    ticket: ticketSchema,
    result: endResultSchema,
    errorDescription: errorDescriptionSchema,
    errorUri: errorUriSchema,
  }),
  // The console's own fields; never sent to Authlete.
  justification: justificationSchema,
  confirmation: optional(z.string().trim().max(256)),
  again: z.boolean().optional(),
  /** Send the notification Authlete returns (ping and push), when the administrator allows it. */
  deliverNotification: z.boolean().optional(),
});

export type EndRequestInput = z.input<typeof endRequestSchema>;
export type EndRequest = z.output<typeof endRequestSchema>;
