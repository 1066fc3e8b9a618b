import { z } from "zod";
import { FAIL_REASONS } from "./reasons";
import { VISIBLE_TEXT } from "./text";

/**
 * The fail request in the shape of the SDK's BackchannelAuthenticationFailApiRequest.
 * The BFF validates with it, the form resolves with it, and both take their types from it.
 */

/** Authlete's serviceId is the service's numeric apiKey, kept as a string of digits. */
export const serviceIdSchema = z
  .string({ error: "Enter a service ID." })
  .trim()
  .min(1, "Enter a service ID.")
  .regex(/^\d{1,19}$/, "A service ID is 1 to 19 digits.");

/** Characters of a ticket: unreserved URI characters; real tickets are 43 base64url chars. */
const TICKET_PATTERN = /^[A-Za-z0-9\-_.~]+$/;

export const ticketSchema = z
  .string({ error: "Enter a ticket." })
  .trim()
  .min(1, "Enter a ticket.")
  .max(256, "A ticket is at most 256 characters.")
  .regex(TICKET_PATTERN, "A ticket uses only A–Z, a–z, 0–9, -, _, . and ~.");

// RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (printable ASCII but " and \).
const ERROR_DESCRIPTION_PATTERN = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;
// RFC 6749 §5.2: error_uri is %x21 / %x23-5B / %x5D-7E (no space, " or \).
const ERROR_URI_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]*$/;

/** A form (or an environment variable) left empty says "": the API treats that as absent. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

export const errorDescriptionSchema = optional(
  z
    .string()
    .max(1000, "An error description is at most 1,000 characters.")
    .regex(
      ERROR_DESCRIPTION_PATTERN,
      'Use printable ASCII characters only, without " or \\ (RFC 6749 §5.2).',
    ),
);

export const errorUriSchema = optional(
  z
    .string()
    .max(2000, "An error URI is at most 2,000 characters.")
    .regex(ERROR_URI_PATTERN, 'Use printable ASCII without spaces, " or \\ (RFC 6749 §5.2).')
    .refine(isAbsoluteHttpUri, "Enter an absolute https:// or http:// URI."),
);

function isAbsoluteHttpUri(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.hostname !== "";
  } catch {
    return false;
  }
}

/** Why the operator fails the ticket (an incident number, say): kept in the audit trail only. */
export const justificationSchema = optional(
  z
    .string()
    .trim()
    .max(500, "A justification is at most 500 characters.")
    .regex(
      VISIBLE_TEXT,
      "A justification is one line of visible text, without control or invisible formatting characters.",
    ),
);

export const failReasonSchema = z.enum(FAIL_REASONS, { error: "Choose a reason." });

// Strict: a misspelt field (errorURI) is refused, not silently dropped.
export const failRequestSchema = z.strictObject({
  serviceId: serviceIdSchema,
  backchannelAuthenticationFailRequest: z.strictObject({
    ticket: ticketSchema,
    reason: failReasonSchema,
    errorDescription: errorDescriptionSchema,
    errorUri: errorUriSchema,
  }),
  // The console's own fields, beside the SDK's request; never sent to Authlete.
  justification: justificationSchema,
  /** For a production service: the last 6 characters of the ticket, typed again. */
  confirmation: optional(z.string().trim().max(256)),
  /** The ticket was acted on before (an `already-acted` answer) and this is meant all the same. */
  again: z.boolean().optional(),
});

/** What a caller (or the form) may send. */
export type FailRequestInput = z.input<typeof failRequestSchema>;
/** What the BFF hands to the SDK after validation. */
export type FailRequest = z.output<typeof failRequestSchema>;
