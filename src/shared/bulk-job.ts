import { z } from "zod";
import {
  errorDescriptionSchema,
  errorUriSchema,
  justificationSchema,
  optional,
  serviceIdSchema,
  ticketSchema,
} from "./fail-request";
import { BULK_ACTIONS, BULK_MAX_TICKETS, LINE_CHOICES } from "./ticket-list";
import { END_RESULTS, NEVER_AUTHORIZED } from "./end-request";
import { DELIVERY_STATES } from "./end-outcome";
import { FAIL_REASONS } from "./reasons";

/** A fail job's reason, or an end job's result: checked against the job's action. */
const lineChoiceSchema = z.enum([...FAIL_REASONS, ...END_RESULTS], {
  error: (issue) =>
    issue.input === "AUTHORIZED"
      ? NEVER_AUTHORIZED
      : "Choose a reason (Fail) or a result (End issued request).",
});

/** What a bulk job applies to every ticket (the reason or result only to lines that name none). */
export const bulkJobDefaults = {
  /** Fail tickets (default), or end issued requests through /complete. */
  action: z.enum(BULK_ACTIONS, { error: "Choose fail or end." }).optional(),
  reason: optional(lineChoiceSchema),
  errorDescription: errorDescriptionSchema,
  errorUri: errorUriSchema,
  justification: justificationSchema,
};

/** POST /api/bulk-jobs: the tickets the page parsed, and what applies to lines without a reason. */
export const bulkJobRequestSchema = z
  .strictObject({
    serviceId: serviceIdSchema,
    tickets: z
      .array(
        z.strictObject({
          ticket: ticketSchema,
          reason: lineChoiceSchema.optional(),
          /** The line of the pasted list it was on, so that the results can name it. */
          line: z.number().int().min(1).max(10_000_000).optional(),
        }),
      )
      .min(1, "Paste at least one ticket.")
      .max(BULK_MAX_TICKETS, `At most ${BULK_MAX_TICKETS} tickets per job.`),
    ...bulkJobDefaults,
    /** Some tickets were acted on before (an `already-acted` answer): send them all the same. */
    again: z.boolean().optional(),
    /** For a production service: the number of tickets, typed again. */
    confirmation: optional(z.string().trim().max(10)),
    /** An end job: send each due client notification from the console (when allowed). */
    deliverNotification: z.boolean().optional(),
  })
  .superRefine((request, ctx) => {
    const action = request.action ?? "fail";
    const word = action === "fail" ? "reason" : "result";
    const fits = (choice: string | undefined) =>
      choice === undefined || LINE_CHOICES[action].includes(choice);
    if (!request.reason && request.tickets.some((item) => !item.reason)) {
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message: `Choose a ${word} for the lines that name none.`,
      });
    }
    if (!fits(request.reason)) {
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message:
          action === "fail"
            ? "Not a reason of the fail API: this job fails tickets."
            : "Choose TRANSACTION_FAILED or ACCESS_DENIED: this job ends issued requests.",
      });
    }
    request.tickets.forEach((item, index) => {
      if (!fits(item.reason)) {
        ctx.addIssue({
          code: "custom",
          path: ["tickets", index, "reason"],
          message:
            action === "fail"
              ? `${item.reason} is a result of End issued request; this job fails tickets.`
              : `${item.reason} is not a result of End issued request; this job ends issued requests.`,
        });
      }
    });
    const seen = new Set<string>();
    request.tickets.forEach((item, index) => {
      if (seen.has(item.ticket)) {
        ctx.addIssue({
          code: "custom",
          path: ["tickets", index, "ticket"],
          message: "This ticket is in the list twice.",
        });
      }
      seen.add(item.ticket);
    });
  });
export type BulkJobRequest = z.output<typeof bulkJobRequestSchema>;
/** A line's reason (fail job) or result (end job). */
export type LineChoice = z.output<typeof lineChoiceSchema>;

export const BULK_JOB_STATUSES = [
  "running",
  "paused",
  /** Stopped by an operator: tickets not yet attempted stay so. */
  "cancelled",
  "finished",
  /** The console stopped while the job ran; see each ticket's state. */
  "interrupted",
] as const;

export const BULK_ITEM_STATES = [
  "queued",
  "in-flight",
  "succeeded",
  /** Final: refused, or still failing after every retry. */
  "failed",
  /** Never sent: still queued when the job was cancelled or the console stopped. */
  "not-attempted",
  /** An end job's ticket Authlete holds no record of (A186202): final, never retried. */
  "no-such-ticket",
  /**
   * In flight (sent, or waiting between retries) when the console stopped: Authlete may or may
   * not have failed it (safe to repeat). A cancel instead ends such a ticket failed.
   */
  "interrupted",
] as const;
export type BulkItemState = (typeof BULK_ITEM_STATES)[number];

export const bulkJobSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  serviceName: z.string().nullable(),
  operator: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  status: z.enum(BULK_JOB_STATUSES),
  /** Fail tickets, or end issued requests. */
  action: z.enum(BULK_ACTIONS),
  total: z.number().int(),
  counts: z.record(z.enum(BULK_ITEM_STATES), z.number().int()),
  /** An end job's client notifications, by what came of them (delivered, failed, …). */
  notifications: z.record(z.enum(DELIVERY_STATES), z.number().int()),
  concurrency: z.number().int(),
  /** Seconds until done at the recent pace; null when unknown. */
  estimateSeconds: z.number().nullable(),
  /**
   * Whether Retry failed can work: the job has ended with failed tickets and the console still
   * holds them (for BULK_RETRY_WINDOW_SECONDS after the end; never after a cancel, and after a
   * restart only with TICKET_ENCRYPTION_KEY, which keeps them sealed in the database).
   */
  canRetry: z.boolean(),
  /** Until when Retry can work, when it can: the end of BULK_RETRY_WINDOW_SECONDS. */
  retryUntil: z.string().nullable(),
  /**
   * Whether the person asking may pause, resume, cancel or retry it: its owner, or a
   * supervisor. Others see the job, not its controls.
   */
  canControl: z.boolean(),
});
export type BulkJob = z.infer<typeof bulkJobSchema>;

/** GET /api/bulk-jobs/budget: what the signed-in person may still start. */
export const bulkBudgetSchema = z.object({
  ticketsPerHour: z.number().int(),
  ticketsLeftThisHour: z.number().int(),
  maxOpenJobs: z.number().int(),
  openJobs: z.number().int(),
});
export type BulkBudgetInfo = z.infer<typeof bulkBudgetSchema>;

export const bulkItemSchema = z.object({
  seq: z.number().int(),
  /** The pasted line it was on; null when the job's request did not say. */
  line: z.number().int().nullable(),
  ticketTail: z.string(),
  ticketHash: z.string(),
  reason: z.string(),
  state: z.enum(BULK_ITEM_STATES),
  attempts: z.number().int(),
  resultCode: z.string().nullable(),
  action: z.string().nullable(),
  upstreamStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  /** An end job's ticket: what came of its client notification. */
  notification: z.enum(DELIVERY_STATES).nullable(),
  updatedAt: z.string(),
});
export type BulkItem = z.infer<typeof bulkItemSchema>;

export const bulkItemsPageSchema = z.object({
  items: z.array(bulkItemSchema),
  total: z.number().int(),
});

export const bulkItemsQuerySchema = z.strictObject({
  state: optional(z.enum(BULK_ITEM_STATES)),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
