import { z } from "zod";
import { DELIVERY_MODES } from "./end-outcome";
import { errorDescriptionSchema, errorUriSchema, serviceIdSchema } from "./fail-request";

/**
 * The QA lab: one run plays a test client and its authorization server through the whole CIBA
 * lifecycle, for each outcome × each delivery mode the service's test clients offer, and judges
 * what the client finally receives.
 */

/** What the authorization server does with the request, and so what the client lives through. */
export const LAB_OUTCOMES = [
  "fail:EXPIRED_LOGIN_HINT_TOKEN",
  "fail:UNKNOWN_USER_ID",
  "fail:UNAUTHORIZED_CLIENT",
  "fail:MISSING_USER_CODE",
  "fail:INVALID_USER_CODE",
  "fail:INVALID_BINDING_MESSAGE",
  "fail:INVALID_TARGET",
  "fail:ACCESS_DENIED",
  "fail:SERVER_ERROR",
  "complete:ACCESS_DENIED",
  "complete:TRANSACTION_FAILED",
  /** The control: the user approves and the client gets tokens. */
  "complete:AUTHORIZED",
  /** Nobody completes: the auth_req_id runs out. */
  "expiry",
] as const;
export type LabOutcome = (typeof LAB_OUTCOMES)[number];

export const LAB_VERDICTS = [
  "pass",
  /** The client received something other than the spec says. */
  "fail",
  /** The service cannot take this cell (a reason its Authlete predates, an expiry too long). */
  "unsupported",
  /** Nothing to judge: a call did not get through; the cell says which and why. */
  "error",
] as const;
export type LabVerdict = (typeof LAB_VERDICTS)[number];

const cellKeySchema = z.object({
  outcome: z.enum(LAB_OUTCOMES),
  mode: z.enum(DELIVERY_MODES),
});
export type LabCellKey = z.infer<typeof cellKeySchema>;

/** POST /api/lab/runs: a whole run, or one cell again (`only`). */
export const labRunRequestSchema = z.strictObject({
  serviceId: serviceIdSchema,
  errorDescription: errorDescriptionSchema,
  errorUri: errorUriSchema,
  only: cellKeySchema.strict().optional(),
});
export type LabRunRequest = z.output<typeof labRunRequestSchema>;

const shown = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One field the client received, against what the spec says it should be. */
export const labCheckSchema = z.object({
  field: z.string(),
  expected: shown,
  actual: shown,
  ok: z.boolean(),
});
export type LabCheck = z.infer<typeof labCheckSchema>;

/** One message of the exchange, in order; secrets appear as tails only (…abc123). */
export const labStepSchema = z.object({
  /** Who spoke to whom: "client → AS", "AS → Authlete", "AS → client", "wait". */
  who: z.string(),
  what: z.string(),
  /** Milliseconds since the cell started. */
  atMs: z.number().int(),
  durationMs: z.number().int(),
  request: z.unknown().optional(),
  answer: z.unknown().optional(),
});
export type LabStep = z.infer<typeof labStepSchema>;

export const labCellSchema = cellKeySchema.extend({
  state: z.enum(["waiting", "running", "done"]),
  verdict: z.enum(LAB_VERDICTS).nullable(),
  checks: z.array(labCheckSchema),
  /** The notification the client's endpoint received (ping and push), masked. */
  notification: z.object({ arrived: z.boolean(), body: z.unknown().nullable() }).nullable(),
  exchange: z.array(labStepSchema),
  /** Why the cell is unsupported or an error. */
  detail: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  /** The protocol's own waits along the cell (interval, expiry), for the bench's critical path. */
  waitedMs: z.number().int(),
  /** Time spent in Authlete's answers along the cell. */
  callsMs: z.number().int(),
});
export type LabCell = z.infer<typeof labCellSchema>;

export const labRunSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  serviceName: z.string().nullable(),
  target: z.string(),
  state: z.enum(["running", "finished", "interrupted"]),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  errorDescription: z.string().nullable(),
  errorUri: z.string().nullable(),
  /** Set when the run is one cell again. */
  only: cellKeySchema.nullable(),
  /** The delivery modes the service's test clients offer, in order. */
  modes: z.array(z.enum(DELIVERY_MODES)),
  cells: z.array(labCellSchema),
  summary: z.record(z.enum(LAB_VERDICTS), z.number().int()),
  /** The longest expiry any cell waits for, so the page can say how long a run takes. */
  longestWaitSeconds: z.number().int(),
});
export type LabRun = z.infer<typeof labRunSchema>;

export const labRunListSchema = z.object({
  runs: z.array(
    labRunSchema.pick({
      id: true,
      serviceId: true,
      state: true,
      startedAt: true,
      only: true,
      summary: true,
    }),
  ),
});
export type LabRunSummary = z.infer<typeof labRunListSchema>["runs"][number];

/** What a person may still run this hour (LAB_RUNS_PER_HOUR). */
export const labBudgetSchema = z.object({
  limit: z.number().int(),
  remaining: z.number().int(),
  /** When `remaining` is 0: seconds until the next run is allowed. */
  retryAfterSeconds: z.number().int().nullable(),
});
export type LabBudget = z.infer<typeof labBudgetSchema>;

export function summarize(cells: readonly LabCell[]): LabRun["summary"] {
  return Object.fromEntries(
    LAB_VERDICTS.map((verdict) => [
      verdict,
      cells.filter((cell) => cell.verdict === verdict).length,
    ]),
  ) as LabRun["summary"];
}

export function cellId({ outcome, mode }: LabCellKey): string {
  return `${outcome}/${mode}`;
}

/** The cells whose verdict differs between two runs (cells only one of them has are left out). */
export function changedCells(
  before: LabRun,
  after: LabRun,
): {
  outcome: LabOutcome;
  mode: LabCellKey["mode"];
  before: LabVerdict | null;
  after: LabVerdict | null;
}[] {
  const earlier = new Map(before.cells.map((cell) => [cellId(cell), cell.verdict]));
  return after.cells.flatMap((cell) => {
    const id = cellId(cell);
    if (!earlier.has(id) || earlier.get(id) === cell.verdict) return [];
    return [
      { outcome: cell.outcome, mode: cell.mode, before: earlier.get(id)!, after: cell.verdict },
    ];
  });
}
