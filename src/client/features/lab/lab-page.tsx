import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { labRunRequestSchema } from "../../../shared/lab";
import type { LabCellKey, LabRun, LabRunRequest } from "../../../shared/lab";
import { ErrorDetailsFields } from "../../components/error-details-fields";
import { Field } from "../../components/field";
import { RequestErrorAlert } from "../../components/problem-alert";
import { servicesQuery } from "../../lib/console-queries";
import { readLastServiceId, rememberServiceId } from "../../lib/last-service";
import { LabBudgetLine, useLabBudget } from "./lab-budget";
import { LabHistory } from "./lab-history";
import { LabRunView } from "./lab-run-view";
import { labRunQuery, useStartLabRun } from "./queries";

const formSchema = labRunRequestSchema.omit({ only: true });
type FormInput = z.input<typeof formSchema>;

/**
 * QA: the whole CIBA lifecycle as a client lives it, for each outcome × delivery mode of a test
 * service, judged against the specs. A refused run keeps the report that is open.
 */
export function LabPage() {
  const { data: services = [] } = useQuery(servicesQuery);
  const start = useStartLabRun();
  const budget = useLabBudget();
  const [runId, setRunId] = useState<string | null>(null);
  const [compareId, setCompareId] = useState<string | null>(null);
  // Only services with a test client, and never production.
  const testable = services.filter(
    (service) => service.testClient && service.environment !== "production",
  );
  const form = useForm<FormInput, unknown, LabRunRequest>({
    resolver: zodResolver(formSchema),
    defaultValues: { serviceId: "", errorDescription: "", errorUri: "" },
  });
  const { register, handleSubmit, formState, control, getValues, setValue } = form;
  // The page opens on the service used last, once the services are known.
  const lastService = readLastServiceId();
  const knowsLast = testable.some((service) => service.serviceId === lastService);
  useEffect(() => {
    if (knowsLast && getValues("serviceId") === "") setValue("serviceId", lastService);
  }, [knowsLast, lastService, getValues, setValue]);
  const serviceId = useWatch({ control, name: "serviceId" });
  const run = useQuery({ ...labRunQuery(runId ?? ""), enabled: runId !== null }).data;
  const errors = formState.errors;
  const running = run?.state === "running";
  const blocked = start.isPending || budget.exhausted;

  const begin = (request: LabRunRequest) => {
    start.mutate(request, {
      onSuccess: (started: LabRun) => {
        rememberServiceId(started.serviceId);
        setCompareId(null);
        setRunId(started.id);
      },
    });
  };
  const submit = handleSubmit(begin);
  const rerun = (key: LabCellKey) => {
    if (!run) return;
    begin({
      serviceId: run.serviceId,
      ...(run.errorDescription !== null && { errorDescription: run.errorDescription }),
      ...(run.errorUri !== null && { errorUri: run.errorUri }),
      only: key,
    });
  };

  return (
    <div className="page-stack">
      <form className="card form" onSubmit={(event) => void submit(event)} noValidate>
        <h2>QA lab</h2>
        <p className="muted">
          Plays a test client and its authorization server through the whole CIBA lifecycle, for
          each outcome (the nine fail reasons, /complete&apos;s three results, expiry) and each
          delivery mode the service&apos;s test clients offer, and checks what the client finally
          receives against the specifications. A run lasts as long as its slowest cell: the
          service&apos;s polling interval and the short expiry it requests.
        </p>
        <Field id="lab-service" label="Service" error={errors.serviceId?.message}>
          {(control) => (
            <select
              {...control}
              {...register("serviceId", {
                // Another service's report is not this one's: its runs are listed below.
                onChange: () => {
                  setRunId(null);
                  setCompareId(null);
                },
              })}
            >
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
          idPrefix="lab-"
          description={register("errorDescription")}
          uri={register("errorUri")}
          errors={{ description: errors.errorDescription?.message, uri: errors.errorUri?.message }}
          hints={{
            description: "Optional: the fail and refusal cells check that the client gets it back.",
            uri: "Optional: checked the same way, as error_uri.",
          }}
        />
        <LabBudgetLine {...budget} />
        <div className="submit-row">
          <button
            type="submit"
            disabled={blocked}
            aria-busy={start.isPending}
            aria-describedby="lab-budget"
          >
            {start.isPending ? "Starting the run…" : "Run the lab"}
          </button>
          {running && <span className="muted">A run is in progress; another may start.</span>}
        </div>
        <RequestErrorAlert error={start.error} title="The lab run could not start" />
      </form>
      {run && <LabRunView run={run} onRerun={rerun} rerunDisabled={blocked} />}
      {(serviceId || run) && (
        <LabHistory
          serviceId={run?.serviceId ?? serviceId}
          openRun={run}
          onOpen={(id) => {
            setCompareId(null);
            setRunId(id);
          }}
          compareId={compareId}
          onCompare={setCompareId}
        />
      )}
    </div>
  );
}
