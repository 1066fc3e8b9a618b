import { z } from "zod";

/**
 * The two questions the console asks before an action leaves, answered by the server as
 * problems of the action call itself (decision 014), and asked by the page in one dialog:
 * - `already-acted` (409): this console already acted on the ticket (or on some of a job's
 *   tickets); send again with `again: true`;
 * - `confirmation-required` (400): the service is production; send again with the
 *   confirmation typed back and a justification.
 */

/** How much of a ticket people see and type back: its last characters (the audit trail's tail). */
export const TICKET_TAIL_LENGTH = 6;

export function ticketTail(ticket: string): string {
  return ticket.slice(-TICKET_TAIL_LENGTH);
}

export const expectedConfirmationSchema = z.object({
  /** What to type back. */
  value: z.string(),
  /** What `value` is, in words: "the last 6 characters of the ticket". */
  what: z.string(),
});
export type ExpectedConfirmation = z.infer<typeof expectedConfirmationSchema>;

/** What a production action wants typed back: a ticket's tail, or a job's ticket count. */
export function expectedConfirmation(
  subject: { ticket: string } | { ticketCount: number },
): ExpectedConfirmation {
  return "ticket" in subject
    ? {
        value: ticketTail(subject.ticket),
        what: `the last ${TICKET_TAIL_LENGTH} characters of the ticket`,
      }
    : { value: String(subject.ticketCount), what: "the number of tickets" };
}

/** An earlier action of this console on the same ticket. */
export const previousActionSchema = z.object({
  at: z.string(),
  operator: z.string(),
  /** The audit record's kind: "fail" today. */
  kind: z.string(),
  reason: z.string().nullable(),
});
export type PreviousAction = z.infer<typeof previousActionSchema>;

/** The fields a question adds to its problem. */
export const askFirstFieldsSchema = z.object({
  /** Production: what to type back (with a justification). */
  confirm: expectedConfirmationSchema.optional(),
  /** A single action: the earlier actions on the ticket, newest first. */
  previousActions: z.array(previousActionSchema).optional(),
  /** A bulk job: how many of its tickets this console already acted on. */
  alreadyActedCount: z.number().int().optional(),
});

/** The console's own fields beside an action's request, when the page answers a question. */
export interface AskFirstAnswers {
  again?: boolean;
  confirmation?: string;
  justification?: string;
}
