import { randomUUID } from "node:crypto";
import { LAB_OUTCOMES, summarize } from "../../shared/lab";
import type { LabCell, LabCellKey, LabRun, LabRunRequest } from "../../shared/lab";
import type { DeliveryMode } from "../../shared/end-outcome";
import { DELIVERY_MODES } from "../../shared/end-outcome";
import type { Admission } from "../actions/action-policy";
import { DEFAULT_TEST_LOGIN_HINT } from "../actions/test-ticket";
import type { TestClient } from "../authlete/service-directory";
import type { Logger } from "../logger";
import { problemOf } from "../http/problem";
import { runCell } from "./lab-cell";
import type { CellDeps } from "./lab-cell";
import type { LabStore } from "./lab-store";

export interface LabSettings {
  /** LAB_REQUESTED_EXPIRY_SECONDS: the expiry cells' requested_expiry. */
  requestedExpirySeconds: number;
}

export interface LabDeps extends Omit<CellDeps, "labStore"> {
  labStore: LabStore;
  logger: Logger;
  settings: LabSettings;
}

/**
 * Every cell of a run at once: a run's duration is then its longest cell's (its protocol waits
 * and Authlete's answers), not the sum. A service with 3 modes has 39 cells, each a few calls.
 */
const CELLS_AT_ONCE = 48;

/** The delivery modes a service's test clients offer, in the order poll, ping, push. */
export function modesOf(clients: readonly TestClient[]): DeliveryMode[] {
  const offered = new Set(clients.map((client) => client.deliveryMode ?? "POLL"));
  return DELIVERY_MODES.filter((mode) => offered.has(mode));
}

/**
 * Starts a run (or one cell again): its report is stored at once, every cell waiting, and
 * filled in as cells finish, so any replica can show its progress. Resolves with the report as
 * stored; the cells run on.
 */
export async function startRun(
  deps: LabDeps,
  { service, draft, limitKey }: Admission,
  request: LabRunRequest,
  serviceName: string | null,
): Promise<{ run: LabRun; done: Promise<void> }> {
  const clients = service.testClients.length > 0 ? service.testClients : [service.testClient!];
  const modes = modesOf(clients);
  const keys: LabCellKey[] = request.only
    ? [request.only]
    : LAB_OUTCOMES.flatMap((outcome) => modes.map((mode) => ({ outcome, mode })));
  const run: LabRun = {
    id: randomUUID(),
    serviceId: request.serviceId,
    serviceName,
    target: service.gateway.target.baseUrl,
    state: "running",
    startedAt: new Date(deps.now()).toISOString(),
    finishedAt: null,
    errorDescription: request.errorDescription ?? null,
    errorUri: request.errorUri ?? null,
    only: request.only ?? null,
    modes,
    cells: keys.map((key) => waiting(key)),
    summary: summarize([]),
    longestWaitSeconds: deps.settings.requestedExpirySeconds,
  };
  await deps.labStore.create(run, limitKey);

  const echo = { errorDescription: run.errorDescription, errorUri: run.errorUri };
  // Cells finish in any order; their reports are saved one after another.
  let saving = Promise.resolve();
  const save = () => {
    run.summary = summarize(run.cells);
    const snapshot = structuredClone(run);
    saving = saving
      .then(() => deps.labStore.save(snapshot))
      .catch((error: unknown) => {
        deps.logger.error({ err: error, runId: run.id }, "a lab run's progress could not be saved");
      });
    return saving;
  };

  const cellAt = (index: number) => async () => {
    const key = keys[index]!;
    const client = clients.find((candidate) => (candidate.deliveryMode ?? "POLL") === key.mode)!;
    run.cells[index] = { ...waiting(key), state: "running" };
    let cell: LabCell;
    let auditId: number;
    try {
      auditId = await deps.audit.begin({
        ...draft,
        kind: "lab",
        reason: key.outcome,
        deliveryMode: key.mode,
        detail: `lab run ${run.id}`,
      });
    } catch (error) {
      run.cells[index] = stopped(
        key,
        `No record could be written, so nothing was sent: ${problemOf(error)?.title ?? "the audit trail is unavailable"}`,
      );
      return save();
    }
    try {
      cell = await runCell(deps, {
        key,
        service,
        client,
        serviceId: request.serviceId,
        echo,
        loginHint: DEFAULT_TEST_LOGIN_HINT,
        subject: client.subject ?? DEFAULT_TEST_LOGIN_HINT,
        requestedExpirySeconds: deps.settings.requestedExpirySeconds,
        auditId,
        draft,
      });
    } catch (error) {
      deps.logger.error({ err: error, runId: run.id, cell: key }, "a lab cell failed unexpectedly");
      cell = stopped(key, "The cell stopped on an unexpected error (logged).");
    }
    run.cells[index] = cell;
    await deps.audit
      .complete(auditId, {
        outcome: cell.verdict === "error" ? "transport-error" : "succeeded",
        durationMs: cell.durationMs,
        detail: `lab run ${run.id}: ${cell.verdict}${cell.detail ? ` (${cell.detail.slice(0, 200)})` : ""}`,
      })
      .catch((error: unknown) => {
        deps.logger.error(
          { err: error, runId: run.id },
          "a lab cell's record could not be completed",
        );
      });
    return save();
  };

  const done = (async () => {
    const tasks = keys.map((_, index) => cellAt(index));
    const workers = Array.from({ length: Math.min(CELLS_AT_ONCE, tasks.length) }, async () => {
      for (let task = tasks.shift(); task; task = tasks.shift()) await task();
    });
    await Promise.all(workers);
    run.state = "finished";
    run.finishedAt = new Date(deps.now()).toISOString();
    await save();
  })();
  return { run: structuredClone(run), done };
}

function waiting(key: LabCellKey): LabCell {
  return {
    ...key,
    state: "waiting",
    verdict: null,
    checks: [],
    notification: null,
    exchange: [],
    detail: null,
    durationMs: null,
    waitedMs: 0,
    callsMs: 0,
  };
}

function stopped(key: LabCellKey, detail: string): LabCell {
  return { ...waiting(key), state: "done", verdict: "error", detail, durationMs: 0 };
}
