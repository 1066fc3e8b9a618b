import { z } from "zod";
import { errorDescriptionSchema, errorUriSchema, serviceIdSchema } from "./fail-request";
import { CLIENT_STATUS_BY_ACTION, FAIL_REASONS, REASONS } from "./reasons";
import type { FailAction, FailReason } from "./reasons";

/** POST /api/reason-matrix: every reason against one service, each with a fresh ticket. */
export const reasonMatrixRequestSchema = z.strictObject({
  serviceId: serviceIdSchema,
  errorDescription: errorDescriptionSchema,
  errorUri: errorUriSchema,
});
export type ReasonMatrixRequest = z.output<typeof reasonMatrixRequestSchema>;

export const VERDICTS = [
  "pass",
  /** Authlete answered, but not what the catalogue says. */
  "fail",
  /** This service's Authlete refused the reason itself: an older version, not a wrong answer. */
  "unsupported",
  /** No answer to judge: the ticket could not be made, or the call did not get through. */
  "error",
] as const;
export type Verdict = (typeof VERDICTS)[number];

const observedSchema = z.object({
  action: z.string().nullable(),
  error: z.string().nullable(),
  clientStatus: z.number().nullable(),
  errorDescription: z.string().nullable(),
  errorUri: z.string().nullable(),
});

export const matrixRowSchema = z.object({
  reason: z.enum(FAIL_REASONS),
  verdict: z.enum(VERDICTS),
  expected: observedSchema,
  actual: observedSchema.extend({ resultCode: z.string().nullable() }).nullable(),
  differences: z.array(z.string()),
  detail: z.string().nullable(),
});
export type MatrixRow = z.infer<typeof matrixRowSchema>;

export const reasonMatrixResultSchema = z.object({
  serviceId: z.string(),
  serviceName: z.string().nullable(),
  target: z.string(),
  ranAt: z.string(),
  rows: z.array(matrixRowSchema),
  summary: z.record(z.enum(VERDICTS), z.number().int()),
});
export type ReasonMatrixResult = z.infer<typeof reasonMatrixResultSchema>;

export interface FailAnswer {
  resultCode: string | null;
  action: string | null;
  responseContent: string | null;
}

/** What the catalogue says the client gets for `reason` (with the description and URI echoed). */
export function expectedFor(reason: FailReason, request: ReasonMatrixRequest) {
  const info = REASONS[reason];
  return {
    action: info.action,
    error: info.error,
    clientStatus: info.clientStatus,
    errorDescription: request.errorDescription ?? null,
    errorUri: request.errorUri ?? null,
  };
}

/**
 * Judges one answer against the catalogue. A result code in an error category (third digit from
 * the right not 0, docs/authlete-reference.md §3) means Authlete refused the call itself; with HTTP 200 for a
 * reason newer than the service's Authlete, that is "unsupported", not a wrong answer.
 */
export function judge(
  reason: FailReason,
  request: ReasonMatrixRequest,
  answer: FailAnswer,
): MatrixRow {
  const expected = expectedFor(reason, request);
  let content: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(answer.responseContent ?? "{}");
    if (typeof parsed === "object" && parsed !== null) content = parsed as Record<string, unknown>;
  } catch {
    content = {};
  }
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  const actual = {
    action: answer.action,
    error: text(content.error),
    clientStatus: CLIENT_STATUS_BY_ACTION[answer.action as FailAction] ?? null,
    errorDescription: text(content.error_description),
    errorUri: text(content.error_uri),
    resultCode: answer.resultCode,
  };
  const refused = /^A\d{3}[1-9]\d{2}$/.test(answer.resultCode ?? "");
  if (refused) {
    return {
      reason,
      verdict: "unsupported",
      expected,
      actual,
      differences: [],
      detail: `Authlete refused the reason itself (${answer.resultCode}): this service's Authlete may predate it.`,
    };
  }
  const differences: string[] = [];
  const compare = (label: string, want: string | number | null, got: string | number | null) => {
    if (want !== got) differences.push(`${label}: expected ${show(want)}, got ${show(got)}`);
  };
  compare("action", expected.action, actual.action);
  compare("error", expected.error, actual.error);
  compare("client status", expected.clientStatus, actual.clientStatus);
  compare("error_description", expected.errorDescription, actual.errorDescription);
  compare("error_uri", expected.errorUri, actual.errorUri);
  return {
    reason,
    verdict: differences.length === 0 ? "pass" : "fail",
    expected,
    actual,
    differences,
    detail: null,
  };
}

function show(value: string | number | null): string {
  return value === null ? "nothing" : JSON.stringify(value);
}

/** The result as a Markdown report, e.g. for a QA ticket. */
export function matrixToMarkdown(result: ReasonMatrixResult): string {
  const lines = [
    `# Reason matrix: ${result.serviceName ?? "service"} (${result.serviceId})`,
    "",
    `Run ${result.ranAt} against ${result.target}.`,
    `Summary: ${VERDICTS.map((verdict) => `${result.summary[verdict]} ${verdict}`).join(", ")}.`,
    "",
    "| reason | verdict | expected | actual | differences |",
    "| --- | --- | --- | --- | --- |",
  ];
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  for (const row of result.rows) {
    const expected = `${row.expected.action} / ${row.expected.error} / ${row.expected.clientStatus}`;
    const actual = row.actual
      ? `${row.actual.action ?? "-"} / ${row.actual.error ?? "-"} / ${row.actual.clientStatus ?? "-"}`
      : "-";
    const notes = [...row.differences, ...(row.detail ? [row.detail] : [])].join("; ");
    lines.push(
      `| ${row.reason} | ${row.verdict} | ${cell(expected)} | ${cell(actual)} | ${cell(notes || "-")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
