import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { Suspense, lazy, useMemo, useState } from "react";
import type { DragEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useLocation } from "wouter";
import { z } from "zod";
import { bulkJobDefaults, bulkJobRequestSchema } from "../../../shared/bulk-job";
import type { BulkJob, BulkJobRequest } from "../../../shared/bulk-job";
import type { ApprovalAccepted } from "../../../shared/approvals";
import { HeldJob } from "./held-job";
import { heldForApproval } from "../../lib/form-outcome";
import { serviceIdSchema } from "../../../shared/fail-request";
import { parseTicketList } from "../../../shared/ticket-list";
import { DeliverNotificationField } from "../../components/action-form-parts";
import { ErrorDetailsFields } from "../../components/error-details-fields";
import { Field } from "../../components/field";
import { RequestErrorAlert } from "../../components/problem-alert";
import { ProductionBanner } from "../../components/production-banner";
import { ReasonSelect } from "../../components/reason-select";
import { ServicePicker, serviceNamed } from "../../components/service-picker";
import { consoleConfigQuery, servicesQuery } from "../../lib/console-queries";
import { END_RESULTS, END_RESULT_INFO } from "../../../shared/end-request";
import { rememberServiceId, useServiceField } from "../../lib/last-service";
import { keepPastedTickets } from "./pasted-tickets";
import { useAskFirst } from "../../lib/use-ask-first";
import { BulkBudgetNote } from "./bulk-budget";
import { useStartBulkJob } from "./queries";
import { TicketListPreview } from "./ticket-list-preview";

const AskFirstDialog = lazy(() =>
  import("../../components/ask-first-dialog").then((m) => ({ default: m.AskFirstDialog })),
);

// The form's own shape: the pasted text becomes the API's ticket list, parsed once (below).
const bulkFormSchema = z.object({
  serviceId: serviceIdSchema,
  ticketsText: z.string(),
  ...bulkJobDefaults,
  deliverNotification: z.boolean().optional(),
});
type BulkFormInput = z.input<typeof bulkFormSchema>;
type BulkForm = z.output<typeof bulkFormSchema>;

/** Where the API's field errors belong in this form. */
const FORM_FIELD: Record<string, keyof BulkFormInput> = {
  tickets: "ticketsText",
  reason: "reason",
  action: "action",
};

export function BulkFailForm() {
  const { data: services = [] } = useQuery(servicesQuery);
  const { data: config } = useQuery(consoleConfigQuery);
  const [, navigate] = useLocation();
  const [held, setHeld] = useState<{ approval: ApprovalAccepted["approval"]; at: Date }>();
  const startJob = useAskFirst(
    useStartBulkJob(),
    (job: BulkJob | ApprovalAccepted, request: BulkJobRequest) => {
      rememberServiceId(request.serviceId);
      // Four-eyes (issue 21): the job waits for a supervisor; the page shows its decision.
      if (heldForApproval(job)) return setHeld({ approval: job.approval, at: new Date() });
      keepPastedTickets(
        job.id,
        request.tickets.map((item) => item.ticket),
      );
      navigate(`/bulk/${job.id}`);
    },
  );
  const [dropError, setDropError] = useState<string | undefined>();
  const form = useForm<BulkFormInput, unknown, BulkForm>({
    resolver: zodResolver(bulkFormSchema),
    mode: "onTouched",
    defaultValues: {
      serviceId: "",
      ticketsText: "",
      action: "fail",
      reason: "",
      deliverNotification: false,
      errorDescription: "",
      errorUri: "",
      justification: "",
    },
  });
  const { register, handleSubmit, formState, control, setValue, setError } = form;
  const pickService = useServiceField(form);
  const errors = formState.errors;
  const [serviceId, ticketsText, chosenAction, reason] = useWatch({
    control,
    name: ["serviceId", "ticketsText", "action", "reason"],
  });
  const action = chosenAction ?? "fail";
  const endResult = END_RESULTS.find((known) => known === reason);
  const service = serviceNamed(services, serviceId);
  // Parsed as it is typed, so invalid lines show before anything is sent; submit uses it too.
  const list = useMemo(() => parseTicketList(ticketsText ?? "", action), [ticketsText, action]);

  const submit = handleSubmit((form) => {
    const { ticketsText: _text, ...settings } = form;
    // The API's own schema judges the request, with the API's own messages.
    const checked = bulkJobRequestSchema.safeParse({
      ...settings,
      tickets: list.tickets.map(({ ticket, reason, line }) =>
        reason ? { ticket, reason, line } : { ticket, line },
      ),
    });
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = FORM_FIELD[String(issue.path[0])];
        if (field) setError(field, { message: issue.message });
      }
      return;
    }
    const request = checked.data;
    const count = request.tickets.length;
    // The page's own question first; the server's (repeats, production) come in the same dialog.
    const ending = request.action === "end";
    const word = ending ? "result" : "reason";
    startJob.submit(request, {
      title: ending ? `End ${count} issued requests?` : `Fail ${count} tickets?`,
      text: `${count} ${ending ? "issued requests" : "tickets"} of ${service?.name ?? `service ${request.serviceId}`} will be ${ending ? "ended" : "failed"}${request.reason ? ` (${request.reason} where a line names no ${word})` : ""}. The job runs in the console's server: you can leave this page and come back.`,
      confirmLabel: "Start",
    });
  });

  async function readFile(file: File | undefined) {
    if (!file) return;
    if (file.size > 2_000_000) {
      setDropError(`${file.name} is over 2 MB: split it into several jobs.`);
      return;
    }
    setDropError(undefined);
    setValue("ticketsText", await file.text(), { shouldDirty: true, shouldValidate: true });
  }

  function dropFile(event: DragEvent<HTMLTextAreaElement>) {
    const file = event.dataTransfer.files[0];
    if (!file) return;
    event.preventDefault();
    void readFile(file);
  }

  return (
    <>
      <form className="card form" onSubmit={(event) => void submit(event)} noValidate>
        <h2>Bulk fail or end</h2>
        <Field
          id="bulk-action"
          label="Action"
          hint="Fail tickets the authorization server never issued; end requests whose client already holds an auth_req_id."
        >
          {(fieldControl) => (
            <select
              {...fieldControl}
              {...register("action", {
                onChange: (event: { target: { value: string } }) =>
                  setValue("reason", event.target.value === "end" ? "TRANSACTION_FAILED" : ""),
              })}
            >
              <option value="fail">Fail tickets (/fail)</option>
              <option value="end">End issued requests (/complete)</option>
            </select>
          )}
        </Field>
        <ProductionBanner service={service}>
          Every ticket in this list is failed for real; starting asks you to type the number of
          tickets and say why.
        </ProductionBanner>
        <ServicePicker
          id="bulk-service-id"
          field={register("serviceId")}
          onPick={pickService}
          error={errors.serviceId?.message}
          services={services}
          chosen={service}
        />
        <Field
          id="bulk-tickets"
          label="Tickets"
          hint={`One per line, or CSV ticket,${action === "end" ? "result" : "reason"}. Paste them, or drop a file here.`}
          error={errors.ticketsText?.message ?? dropError}
          describedBy="bulk-preview"
        >
          {(fieldControl) => (
            <textarea
              {...fieldControl}
              {...register("ticketsText")}
              rows={10}
              spellCheck={false}
              className="mono"
              onDrop={dropFile}
            />
          )}
        </Field>
        <Field
          id="bulk-file"
          label="Or choose a file"
          hint="A .txt or .csv file in the same format."
        >
          {(fieldControl) => (
            <input
              {...fieldControl}
              type="file"
              accept=".txt,.csv,text/plain,text/csv"
              onChange={(event) => void readFile(event.target.files?.[0])}
            />
          )}
        </Field>
        <TicketListPreview id="bulk-preview" list={list} />

        {action === "end" ? (
          <Field
            id="bulk-result"
            label="Result"
            hint={`For the lines that name none. ${endResult ? END_RESULT_INFO[endResult].summary : ""}`}
            error={errors.reason?.message}
          >
            {(fieldControl) => (
              <select {...fieldControl} {...register("reason")}>
                {END_RESULTS.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <ReasonSelect
            id="bulk-reason"
            field={register("reason")}
            error={errors.reason?.message}
            hint="For the lines that name none."
          />
        )}
        <ErrorDetailsFields
          idPrefix="bulk-"
          description={register("errorDescription")}
          uri={register("errorUri")}
          errors={{ description: errors.errorDescription?.message, uri: errors.errorUri?.message }}
          hints={{ description: "Optional, for every ticket.", uri: "Optional, for every ticket." }}
        />
        <Field
          id="bulk-justification"
          label="Justification"
          hint="Optional (required for production). Kept in the audit log."
          error={errors.justification?.message}
        >
          {(fieldControl) => <input {...fieldControl} {...register("justification")} />}
        </Field>
        {action === "end" && (
          <DeliverNotificationField
            id="bulk-deliver"
            field={register("deliverNotification")}
            available={config?.notifications.deliver ?? false}
            label="Send each client notification from this console (ping and push)"
            hint="Each is sent to the endpoint Authlete returns, recorded, and counted in the job's summary."
          />
        )}
        <BulkBudgetNote tickets={list.tickets.length} />
        <div className="submit-row">
          <button type="submit" disabled={startJob.pending} aria-busy={startJob.pending}>
            {startJob.pending
              ? "Starting…"
              : action === "end"
                ? `End ${list.tickets.length} requests…`
                : `Fail ${list.tickets.length} tickets…`}
          </button>
        </div>
        <RequestErrorAlert error={startJob.error} title="The job could not start" />
      </form>
      {held && <HeldJob held={held} tickets={list.tickets.length} service={service} />}

      {startJob.asking && (
        <Suspense fallback={null}>
          <AskFirstDialog
            question={startJob.asking.question}
            serviceName={service?.name ?? `Service ${startJob.asking.request.serviceId}`}
            cluster={service?.cluster ?? null}
            action="bulk job"
            justification={startJob.asking.request.justification ?? ""}
            pending={startJob.pending}
            onAnswer={(answers) => startJob.answer(answers)}
            onCancel={() => startJob.cancel()}
          />
        </Suspense>
      )}
    </>
  );
}
