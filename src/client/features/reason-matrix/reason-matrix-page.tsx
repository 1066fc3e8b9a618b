import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { matrixToMarkdown, reasonMatrixRequestSchema } from "../../../shared/reason-matrix";
import type { ReasonMatrixRequest, ReasonMatrixResult } from "../../../shared/reason-matrix";
import type { z } from "zod";
import { DataTable } from "../../components/data-table";
import { ErrorDetailsFields } from "../../components/error-details-fields";
import { Field } from "../../components/field";
import { RequestErrorAlert } from "../../components/problem-alert";
import { downloadText } from "../../lib/download";
import { formatTime } from "../../lib/format";
import { servicesQuery } from "../../lib/console-queries";
import { useRunReasonMatrix } from "./queries";

/** QA: every reason against one test service, judged against the catalogue, in one click. */
export function ReasonMatrixPage() {
  const { data: services = [] } = useQuery(servicesQuery);
  const run = useRunReasonMatrix();
  // Only services with a test client, and never production.
  const testable = services.filter(
    (service) => service.testClient && service.environment !== "production",
  );
  const { register, handleSubmit, formState } = useForm<
    z.input<typeof reasonMatrixRequestSchema>,
    unknown,
    ReasonMatrixRequest
  >({
    resolver: zodResolver(reasonMatrixRequestSchema),
    defaultValues: { serviceId: "", errorDescription: "", errorUri: "" },
  });
  const errors = formState.errors;
  const submit = handleSubmit((request) => run.mutate(request));

  return (
    <div className="page-stack">
      <form className="card form" onSubmit={(event) => void submit(event)} noValidate>
        <h2>Reason matrix</h2>
        <p className="muted">
          Creates a fresh test ticket for each of the nine reasons, fails it, and checks what came
          back (action, error, the client&apos;s HTTP status, and the echo of the description and
          URI) against what Authlete documents.
        </p>
        <Field id="matrix-service" label="Service" error={errors.serviceId?.message}>
          {(control) => (
            <select {...control} {...register("serviceId")}>
              <option value="">Choose a service with a test client…</option>
              {testable.map((service) => (
                <option key={service.serviceId} value={service.serviceId}>
                  {[service.name, service.serviceId, service.environment]
                    .filter(Boolean)
                    .join(" · ")}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ErrorDetailsFields
          idPrefix="matrix-"
          description={register("errorDescription")}
          uri={register("errorUri")}
          errors={{ description: errors.errorDescription?.message, uri: errors.errorUri?.message }}
          hints={{
            description: "Optional: checks that it comes back as error_description.",
            uri: "Optional: checks that it comes back as error_uri.",
          }}
        />
        <div className="submit-row">
          <button type="submit" disabled={run.isPending} aria-busy={run.isPending}>
            {run.isPending ? "Running nine reasons…" : "Run all nine reasons"}
          </button>
        </div>
        <RequestErrorAlert error={run.error} title="The matrix could not run" />
      </form>
      {run.data && <MatrixResult result={run.data} />}
    </div>
  );
}

function MatrixResult({ result }: { result: ReasonMatrixResult }) {
  const { summary } = result;
  const allPass = summary.pass === result.rows.length;
  const file = `reason-matrix-${result.serviceId}-${result.ranAt.replace(/[:.]/g, "-")}`;
  return (
    <section className="card" aria-labelledby="matrix-result-title">
      <div className="results-header">
        <h2 id="matrix-result-title">
          {result.serviceName ?? `Service ${result.serviceId}`}: {summary.pass} of{" "}
          {result.rows.length} pass
        </h2>
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            onClick={() =>
              downloadText(`${file}.json`, JSON.stringify(result, null, 2), "application/json")
            }
          >
            Download JSON
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => downloadText(`${file}.md`, matrixToMarkdown(result), "text/markdown")}
          >
            Download Markdown
          </button>
        </div>
      </div>
      <p role="status" className={allPass ? "" : "note"}>
        {summary.pass} pass, {summary.fail} fail, {summary.unsupported} not supported by this
        service&apos;s Authlete, {summary.error} could not be judged. Run {formatTime(result.ranAt)}{" "}
        against <span className="mono">{result.target}</span>.
      </p>
      <DataTable
        caption="Each reason, what was expected and what came back"
        columns={["Reason", "Verdict", "Expected", "Actual", "Differences"]}
      >
        {result.rows.map((row) => (
          <tr key={row.reason}>
            <th scope="row" className="mono">
              {row.reason}
            </th>
            <td>
              <span className={`verdict verdict-${row.verdict}`}>{row.verdict}</span>
            </td>
            <td className="mono">
              {row.expected.action} · {row.expected.error} · {row.expected.clientStatus}
            </td>
            <td className="mono">
              {row.actual
                ? [
                    row.actual.action,
                    row.actual.error,
                    row.actual.clientStatus,
                    row.actual.resultCode,
                  ]
                    .map((part) => part ?? "–")
                    .join(" · ")
                : "–"}
            </td>
            <td>
              {row.differences.map((difference) => (
                <span key={difference} className="block">
                  {difference}
                </span>
              ))}
              {row.detail && <span className="block">{row.detail}</span>}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
