import { randomBytes, randomUUID } from "node:crypto";
import type { Approval, ApprovalAccepted, ApproveRequest } from "../../shared/approvals";
import type { Admission } from "./action-policy";
import type { AuditTrail } from "./audit-trail";
import type { Caller, RecordDraft } from "./caller";
import type { ResolvedService, ServiceDirectory } from "../authlete/service-directory";
import { createSeal } from "../db/seal";
import { fingerprintOf } from "../db/ticket-fingerprint";
import type { TicketFingerprint } from "../db/ticket-fingerprint";
import { ProblemError } from "../http/problem";
import { limitKeyOf } from "../identity/limit-key";
import type { Principal } from "../identity/sessions";
import type { ApprovalRow, ApprovalStore } from "./approval-store";
import { summaryOf } from "./held-action";
import type { ActionSummary, HeldAction } from "./held-action";
import { alreadyActed, notFound } from "./approval-questions";

/** What an approved action runs with: the requester's admission, and who approved it. */
export interface ApprovedRun {
  service: ResolvedService;
  draft: Admission["draft"];
  caller: Caller;
  limitKey: string;
}

/** Each kind's run, as its own route runs it (wired in app.ts): the answer the page shows. */
export interface ApprovedActionRunners {
  fail(run: ApprovedRun, held: Extract<HeldAction, { kind: "fail" }>): Promise<unknown>;
  end(run: ApprovedRun, held: Extract<HeldAction, { kind: "end" }>): Promise<unknown>;
  bulk(run: ApprovedRun, held: Extract<HeldAction, { kind: "bulk" }>): Promise<unknown>;
}

/** The requester as stored: what their records say, and the proven identity behind it. */
interface Requester {
  draft: Admission["draft"];
  subject: string | null;
  serviceName: string | null;
  /** The one ticket's hash and tail, so that every step shows in the ticket's story. */
  ticket: TicketFingerprint | null;
}

const MINE_NEVER =
  "Nobody approves their own request, whatever their role: another supervisor must approve it.";

/**
 * Four-eyes approval (issue 21, decision 019). A request waits, sealed, until a supervisor who
 * is not the requester approves it (it then runs once, through the one action call, charged to
 * the requester when it was asked for) or rejects it; or until it expires. Every step is an
 * audit record of kind "approval"; the action's own record names both people.
 */
export function createApprovals(deps: {
  store: ApprovalStore;
  audit: AuditTrail;
  services: ServiceDirectory;
  /** TICKET_ENCRYPTION_KEY: without it, only this process can open what it sealed. */
  key: Buffer | undefined;
  ttlMs: number;
  breakGlass: boolean;
  now: () => number;
}) {
  const { store, audit } = deps;
  const seal = createSeal(deps.key ?? randomBytes(32));

  const summaryOfRow = (row: ApprovalRow) => JSON.parse(row.summary) as ActionSummary;
  const requesterOf = (row: ApprovalRow) => JSON.parse(row.requester) as Requester;
  const who = (principal: Principal) =>
    principal.email ? `${principal.name} <${principal.email}>` : principal.name;

  /** A step's record: the approval, its service and ticket tail, by whoever took the step. */
  async function recordStep(
    row: ApprovalRow,
    by: RecordDraft | null,
    outcome: "succeeded" | "refused" | "forbidden" | "not-attempted",
    detail: string,
    more: { justification?: string | null } = {},
  ) {
    const summary = summaryOfRow(row);
    await audit.record({
      ...(by ?? { operator: "console", nameVerified: null }),
      kind: "approval",
      outcome,
      serviceId: row.service_id,
      approvalId: row.id,
      detail: `${detail}: ${summary.action}`,
      justification: more.justification ?? null,
      ticketFingerprint: requesterOf(row).ticket ?? undefined,
    });
  }

  async function expireDue(): Promise<void> {
    for (const row of await store.expireDue()) {
      await recordStep(row, null, "not-attempted", "expired, nothing was sent");
    }
  }

  function view(row: ApprovalRow, principal: Principal, clientAddress: string): Approval {
    const summary = summaryOfRow(row);
    const requester = requesterOf(row);
    return {
      id: row.id,
      kind: row.kind,
      state: row.state,
      serviceId: row.service_id,
      serviceName: requester.serviceName,
      requester: requester.draft.operator,
      requesterEmail: requester.draft.email,
      requestedAt: row.requested_at,
      expiresAt: new Date(Number(row.expires_at)).toISOString(),
      justification: row.justification,
      action: summary.action,
      sends: summary.sends,
      clientGets: summary.clientGets,
      decidedBy: row.decided_by,
      decidedAt: row.decided_at,
      rejectReason: row.reject_reason,
      breakGlass: row.break_glass === 1,
      breakGlassJustification: row.break_glass_justification,
      acknowledgedBy: row.acknowledged_by,
      result: row.result === null ? null : (JSON.parse(row.result) as unknown),
      mine: row.requester_key === limitKeyOf(principal, clientAddress),
    };
  }

  async function pendingRow(id: string): Promise<ApprovalRow> {
    await expireDue();
    const row = await store.find(id);
    if (!row) throw notFound();
    if (row.state !== "pending") {
      throw new ProblemError({
        kind: "conflict",
        status: 409,
        title: `This request is ${row.state}`,
        detail: row.decided_by
          ? `${row.decided_by} decided it at ${row.decided_at}. Nothing more can be done with it.`
          : "Nothing was sent. Ask for it again if it is still needed.",
      });
    }
    return row;
  }

  return {
    /** Holds an admitted action for approval: nothing is sent. */
    async request(
      admission: Admission,
      caller: Caller,
      held: HeldAction,
    ): Promise<ApprovalAccepted> {
      const id = randomUUID();
      const expiresAt = deps.now() + deps.ttlMs;
      const summary = summaryOf(held);
      const requester: Requester = {
        draft: admission.draft,
        subject: caller.principal.subject ?? null,
        serviceName: admission.service.name ?? null,
        ticket: held.kind === "bulk" ? null : fingerprintOf(held.request.ticket),
      };
      await store.create({
        id,
        kind: held.kind,
        serviceId: admission.draft.serviceId ?? "",
        requester: JSON.stringify(requester),
        requesterKey: admission.limitKey,
        expiresAt,
        justification: admission.draft.justification ?? null,
        summary: JSON.stringify(summary),
        sealed: seal.seal(JSON.stringify(held), id),
      });
      await audit.record({
        ...admission.draft,
        kind: "approval",
        outcome: "succeeded",
        approvalId: id,
        ticket: held.kind === "bulk" ? null : held.request.ticket,
        detail: `requested, waiting for a supervisor: ${summary.action}`,
      });
      return { approval: { id, state: "pending", expiresAt: new Date(expiresAt).toISOString() } };
    },

    async list(principal: Principal, clientAddress: string) {
      await expireDue();
      const rows = await store.list(100);
      const counts = await store.counts();
      return {
        approvals: rows.map((row) => view(row, principal, clientAddress)),
        pendingCount: counts.pending,
        unacknowledgedBreakGlass: counts.unacknowledged,
        breakGlassAllowed: deps.breakGlass,
      };
    },

    /** One request: its requester and supervisors may read it (the requester's page polls). */
    async find(id: string, principal: Principal, clientAddress: string): Promise<Approval> {
      await expireDue();
      const row = await store.find(id);
      if (!row) throw notFound();
      const seen = view(row, principal, clientAddress);
      if (!seen.mine && principal.role !== "supervisor") throw notFound();
      return seen;
    },

    async approve(id: string, caller: Caller, by: RecordDraft, answers: ApproveRequest) {
      const row = await pendingRow(id);
      const mine = row.requester_key === limitKeyOf(caller.principal, caller.clientAddress ?? "");
      const breakGlass = mine && deps.breakGlass && answers.breakGlassJustification !== undefined;
      if (mine && !breakGlass) {
        await recordStep(row, by, "forbidden", "approval refused, own request");
        throw new ProblemError({
          kind: "forbidden",
          status: 403,
          title: "You cannot approve your own request",
          detail: deps.breakGlass
            ? `${MINE_NEVER} Break-glass is on: give a second, separate justification to run it yourself; every supervisor will see it.`
            : MINE_NEVER,
        });
      }
      if (breakGlass && answers.breakGlassJustification === row.justification) {
        throw new ProblemError({
          kind: "validation-failed",
          status: 400,
          title: "Break-glass needs its own justification",
          detail: "Say why no second supervisor can approve it, not again why it is needed.",
          errors: [{ path: "breakGlassJustification", message: "Say something new." }],
        });
      }
      let held: HeldAction;
      try {
        held = JSON.parse(seal.open(row.sealed ?? "", id)) as HeldAction;
      } catch {
        await store.decide(id, { state: "expired", decidedBy: null });
        await recordStep(row, null, "not-attempted", "lost, nothing was sent");
        throw new ProblemError({
          kind: "conflict",
          status: 409,
          title: "The tickets of this request are gone",
          detail:
            "It was made on a replica that stopped, with no TICKET_ENCRYPTION_KEY shared by the replicas. Nothing was sent: ask for it again.",
        });
      }
      if (!answers.again) await alreadyActed(deps.audit, held, row);
      const decided = await store.decide(id, {
        state: "approved",
        decidedBy: who(caller.principal),
        breakGlass,
        breakGlassJustification: breakGlass ? answers.breakGlassJustification : undefined,
      });
      // Decided meanwhile on another page or replica: pendingRow says how.
      if (!decided) throw await pendingRow(id).then(notFound, (error: unknown) => error);
      await recordStep(
        row,
        by,
        "succeeded",
        breakGlass ? "break-glass: run by its own requester" : "approved",
        { justification: breakGlass ? answers.breakGlassJustification : null },
      );
      const requester = requesterOf(row);
      const run: ApprovedRun = {
        service: deps.services.resolve(row.service_id),
        draft: { ...requester.draft, approvalId: id, approvedBy: who(caller.principal) },
        caller: {
          principal: {
            name: requester.draft.operator,
            email: requester.draft.email,
            role: requester.draft.role,
            subject: requester.subject,
          },
          requestId: requester.draft.requestId,
          callerRequestId: requester.draft.callerRequestId,
          clientAddress: requester.draft.clientAddress,
        },
        limitKey: row.requester_key,
      };
      return { row, held, run };
    },

    /** Records what the approved action came to (and wipes its tickets). */
    finish: (id: string, result: unknown) => store.finish(id, result),

    async reject(id: string, by: RecordDraft, principal: Principal, reason: string) {
      const row = await pendingRow(id);
      const decided = await store.decide(id, {
        state: "rejected",
        decidedBy: who(principal),
        rejectReason: reason,
      });
      if (!decided) throw await pendingRow(id).then(notFound, (error: unknown) => error);
      await recordStep(row, by, "refused", `rejected (${reason}), nothing was sent`);
    },

    async acknowledge(id: string, by: RecordDraft, principal: Principal) {
      const row = await store.find(id);
      if (!row || !(await store.acknowledge(id, who(principal)))) throw notFound();
      await recordStep(row, by, "succeeded", "break-glass acknowledged");
    },

    expireDue,
  };
}

export type Approvals = ReturnType<typeof createApprovals>;
