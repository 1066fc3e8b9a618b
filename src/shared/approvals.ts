import { z } from "zod";
import { VISIBLE_TEXT } from "./text";

/**
 * Four-eyes approval (issue 21): on a service whose profile says `approval: required`, a fail,
 * an end or a bulk job waits for a second person, a supervisor, before anything is sent.
 */
export const APPROVAL_STATES = ["pending", "approved", "rejected", "expired"] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const APPROVAL_KINDS = ["fail", "end", "bulk"] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

/** 202 to the requester: nothing was sent; the request waits for a supervisor. */
export const approvalAcceptedSchema = z.object({
  approval: z.object({
    id: z.string(),
    state: z.literal("pending"),
    expiresAt: z.string(),
  }),
});
export type ApprovalAccepted = z.infer<typeof approvalAcceptedSchema>;

/** One approval request, as the Approvals page and the requester's page show it. */
export const approvalSchema = z.object({
  id: z.string(),
  kind: z.enum(APPROVAL_KINDS),
  state: z.enum(APPROVAL_STATES),
  serviceId: z.string(),
  serviceName: z.string().nullable(),
  requester: z.string(),
  requesterEmail: z.string().nullable(),
  requestedAt: z.string(),
  expiresAt: z.string(),
  justification: z.string().nullable(),
  /** The action's line: "Fail ticket …CSH-sc with ACCESS_DENIED". */
  action: z.string(),
  /** Exactly what will be sent to Authlete, the ticket shown by its tail. */
  sends: z.record(z.string(), z.unknown()),
  /** What the client application will get once it runs. */
  clientGets: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** A rejection's reason. */
  rejectReason: z.string().nullable(),
  breakGlass: z.boolean(),
  breakGlassJustification: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  /** Once run: what came of it (the fail's or end's answer, or the job's id). */
  result: z.unknown().nullable(),
  /** Whether the person asking made this request (then they cannot approve it). */
  mine: z.boolean(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const approvalListSchema = z.object({
  approvals: z.array(approvalSchema),
  /** Pending requests a supervisor could decide (the header's count). */
  pendingCount: z.number().int(),
  /** Break-glass runs no supervisor has acknowledged yet. */
  unacknowledgedBreakGlass: z.number().int(),
  /** Whether APPROVAL_BREAK_GLASS is on. */
  breakGlassAllowed: z.boolean(),
});
export type ApprovalList = z.infer<typeof approvalListSchema>;

const noteText = (what: string) =>
  z
    .string({ error: `Say ${what}.` })
    .trim()
    .min(1, `Say ${what}.`)
    .max(500, "At most 500 characters.")
    .regex(VISIBLE_TEXT, "No control or invisible formatting characters.");

/** POST /api/approvals/:id/approve. */
export const approveRequestSchema = z.strictObject({
  /** The ticket was acted on meanwhile (an `already-acted` answer): run it all the same. */
  again: z.boolean().optional(),
  /** Break-glass (APPROVAL_BREAK_GLASS): a supervisor runs their own request, saying why. */
  breakGlassJustification: noteText("why no second supervisor can approve").optional(),
});
export type ApproveRequest = z.infer<typeof approveRequestSchema>;

/** POST /api/approvals/:id/reject. */
export const rejectRequestSchema = z.strictObject({ reason: noteText("why it is rejected") });
export type RejectRequest = z.infer<typeof rejectRequestSchema>;
