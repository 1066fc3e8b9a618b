import { z } from "zod";
import { optional, serviceIdSchema } from "./fail-request";

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
});
export type TestTicketRequest = z.output<typeof testTicketRequestSchema>;

export const testTicketSchema = z.object({
  serviceId: z.string(),
  ticket: z.string(),
  clientId: z.string(),
  clientName: z.string().nullable(),
  loginHint: z.string(),
  bindingMessage: z.string().nullable(),
});
export type TestTicket = z.infer<typeof testTicketSchema>;
