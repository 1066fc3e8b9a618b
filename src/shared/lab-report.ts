import { LAB_OUTCOMES, cellId } from "./lab";
import type { LabCell, LabRun } from "./lab";

/** A cell's verdict as the grid and the report say it ("running…" while it is not done). */
export function verdictText(cell: LabCell | undefined): string {
  if (!cell) return "–";
  if (cell.state !== "done") return cell.state === "running" ? "running…" : "waiting";
  return cell.verdict ?? "–";
}

/** The outcomes a run has cells for, in the lab's order. */
export function outcomesOf(run: LabRun): (typeof LAB_OUTCOMES)[number][] {
  return LAB_OUTCOMES.filter((outcome) => run.cells.some((cell) => cell.outcome === outcome));
}

export function findCell(run: LabRun, outcome: string, mode: string): LabCell | undefined {
  return run.cells.find((cell) => cellId(cell) === `${outcome}/${mode}`);
}

/** Table cells never break the Markdown table (pipes and line breaks escaped). */
function md(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return (text ?? "–").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * A run as Markdown, to attach to a ticket or a pull request: the grid, then each cell's checks
 * and its exchange in order. Secrets are already tails in the run; nothing is added here.
 */
export function labRunToMarkdown(run: LabRun): string {
  const s = run.summary;
  const lines = [
    `# QA lab: ${run.serviceName ?? "Service"} (${run.serviceId})`,
    "",
    `Started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ""} against ${run.target} (${run.state}).`,
    run.only ? `One cell again: ${cellId(run.only)}.` : "",
    `Error description sent: ${run.errorDescription ?? "(none)"}; error URI sent: ${run.errorUri ?? "(none)"}.`,
    "",
    `Summary: ${s.pass} pass, ${s.fail} fail, ${s.unsupported} unsupported, ${s.error} error.`,
    "",
    `| Outcome | ${run.modes.join(" | ")} |`,
    `| --- |${run.modes.map(() => " --- |").join("")}`,
    ...outcomesOf(run).map(
      (outcome) =>
        `| ${outcome} | ${run.modes.map((mode) => verdictText(findCell(run, outcome, mode))).join(" | ")} |`,
    ),
  ];
  for (const cell of run.cells) {
    lines.push("", `## ${cellId(cell)}: ${verdictText(cell)}`, "");
    if (cell.detail) lines.push(cell.detail, "");
    if (cell.checks.length > 0) {
      lines.push("| Field | Expected | Received | |", "| --- | --- | --- | --- |");
      for (const check of cell.checks) {
        lines.push(
          `| ${md(check.field)} | ${md(check.expected)} | ${md(check.actual)} | ${check.ok ? "ok" : "**differs**"} |`,
        );
      }
      lines.push("");
    }
    lines.push("Exchange:", "");
    cell.exchange.forEach((step, index) => {
      const timing = step.who === "wait" ? `${step.durationMs} ms` : `at ${step.atMs} ms`;
      lines.push(`${index + 1}. ${step.who}: ${step.what} (${timing})`);
      if (step.request !== undefined) lines.push(`   - sent: \`${md(step.request)}\``);
      if (step.answer !== undefined) lines.push(`   - answer: \`${md(step.answer)}\``);
    });
  }
  return `${lines.filter((line, i, all) => line !== "" || all[i - 1] !== "").join("\n")}\n`;
}
