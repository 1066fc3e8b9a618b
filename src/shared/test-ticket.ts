import { z } from "zod";
import { optional, serviceIdSchema } from "./fail-request";
import { DELIVERY_MODES } from "./end-outcome";

// login_hint and binding_message travel form-encoded to Authlete; keep them short and printable.
const PRINTABLE = /^[\x20-\x7E]*$/;

function optionalText(max: number, label: string) {
  return optional(
    z
      .string()
      .max(max, `${label} is at most ${max} characters.`)
      .regex(PRINTABLE, `${label} uses printable ASCII only.`),
  );
}

/** POST /api/test-tickets: make a real ticket with a test client, to fail it afterwards. */
export const testTicketRequestSchema = z.strictObject({
  serviceId: serviceIdSchema,
  loginHint: optionalText(200, "A login hint"),
  bindingMessage: optionalText(100, "A binding message"),
  /** Also /issue the request (an auth_req_id handed out), so that it can be ended. */
  issued: z.boolean().optional(),
  /** For an issued request: the delivery mode of the test client to use (default POLL). */
  deliveryMode: optional(z.enum(DELIVERY_MODES, { error: "Choose POLL, PING or PUSH." })),
});
export type TestTicketRequest = z.output<typeof testTicketRequestSchema>;

export const testTicketSchema = z.object({
  serviceId: z.string(),
  ticket: z.string(),
  clientId: z.string(),
  clientName: z.string().nullable(),
  loginHint: z.string(),
  bindingMessage: z.string().nullable(),
  /** Issued: the client holds an auth_req_id; End issued request applies, not Fail ticket. */
  issued: z.boolean(),
  deliveryMode: z.enum(DELIVERY_MODES).nullable(),
  /** The auth_req_id's last 6 characters (issued requests only). */
  authReqIdTail: z.string().nullable(),
  /** Seconds the auth_req_id lives (issued requests only). */
  expiresIn: z.number().int().nullable(),
});
export type TestTicket = z.infer<typeof testTicketSchema>;
