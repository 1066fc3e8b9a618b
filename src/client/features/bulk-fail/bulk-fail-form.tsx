import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { DragEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useLocation } from "wouter";
import { z } from "zod";
import type { BulkJobRequest } from "../../../shared/bulk-job";
import { bulkJobDefaults } from "../../../shared/bulk-job";
import { serviceIdSchema } from "../../../shared/fail-request";
import { FAIL_REASONS } from "../../../shared/reasons";
import { parseTicketList } from "../../../shared/ticket-list";
import { Field } from "../../components/field";
import { ModalDialog } from "../../components/modal-dialog";
import { RequestErrorAlert } from "../../components/problem-alert";
import { readLastServiceId } from "../../lib/last-service";
import { servicesQuery } from "../fail-ticket/queries";
import { ProductionConfirmDialog } from "../fail-ticket/production-confirm-dialog";
import { useStartBulkJob } from "./queries";

// The form's own shape: the pasted text is parsed into the API's ticket list on submit.
const bulkFormSchema = z
  .object({
    serviceId: serviceIdSchema,
    ticketsText: z.string(),
    ...bulkJobDefaults,
  })
  .superRefine((form, ctx) => {
    const list = parseTicketList(form.ticketsText);
    if (list.tickets.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["ticketsText"],
        message: "Paste at least one valid ticket.",
      });
    }
    if (!form.reason && list.tickets.some((item) => !item.reason)) {
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message: "Choose a reason for the lines that name none.",
      });
    }
  });
type BulkFormInput = z.input<typeof bulkFormSchema>;
type BulkForm = z.output<typeof bulkFormSchema>;

export function BulkFailForm() {
  const { data: services = [] } = useQuery(servicesQuery);
  const startJob = useStartBulkJob();
  const [, navigate] = useLocation();
  const [confirming, setConfirming] = useState<BulkJobRequest | undefined>();
  const [dropError, setDropError] = useState<string | undefined>();
  const { register, handleSubmit, formState, control, setValue } = useForm<
    BulkFormInput,
    unknown,
    BulkForm
  >({
    resolver: zodResolver(bulkFormSchema),
    mode: "onTouched",
    defaultValues: {
      serviceId: readLastServiceId(),
      ticketsText: "",
      reason: "",
      errorDescription: "",
      errorUri: "",
      justification: "",
    },
  });
  const errors = formState.errors;
  const [serviceId, ticketsText] = useWatch({ control, name: ["serviceId", "ticketsText"] });
  const service = services.find((known) => known.serviceId === serviceId?.trim());
  // Parsed as it is typed, so invalid lines show before anything is sent.
  const list = useMemo(() => parseTicketList(ticketsText ?? ""), [ticketsText]);

  const submit = handleSubmit((form) => {
    const parsed = parseTicketList(form.ticketsText);
    setConfirming({
      serviceId: form.serviceId,
      tickets: parsed.tickets.map(({ ticket, reason }) =>
        reason ? { ticket, reason } : { ticket },
      ),
      reason: form.reason,
      errorDescription: form.errorDescription,
      errorUri: form.errorUri,
      justification: form.justification,
    });
  });

  function start(request: BulkJobRequest) {
    startJob.mutate(request, {
      onSuccess: (job) => {
        setConfirming(undefined);
        navigate(`/bulk/${job.id}`);
      },
      onError: () => setConfirming(undefined),
    });
  }

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

  const production = service?.environment === "production";
  return (
    <>
      <form className="card form" onSubmit={(event) => void submit(event)} noValidate>
        <h2>Bulk fail</h2>
        {production && (
          <p className="production-banner" role="note">
            <strong>Production: {service.name}.</strong> Every ticket in this list is failed for
            real; starting asks you to type the number of tickets and say why.
          </p>
        )}
        <Field id="bulk-service-id" label="Service ID" error={errors.serviceId?.message}>
          {(fieldControl) => (
            <input
              {...fieldControl}
              {...register("serviceId")}
              list="bulk-known-services"
              inputMode="numeric"
              autoComplete="off"
            />
          )}
        </Field>
        <datalist id="bulk-known-services">
          {services.map((known) => (
            <option key={known.serviceId} value={known.serviceId}>
              {[known.name, known.environment, known.cluster].filter(Boolean).join(" · ")}
            </option>
          ))}
        </datalist>
        <Field
          id="bulk-tickets"
          label="Tickets"
          hint="One per line, or CSV ticket,reason. Paste them, or drop a file here."
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

        <Field
          id="bulk-reason"
          label="Reason"
          hint="For the lines that name none."
          error={errors.reason?.message}
        >
          {(fieldControl) => (
            <select {...fieldControl} {...register("reason")}>
              <option value="">Choose a reason…</option>
              {FAIL_REASONS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="bulk-error-description"
          label="Error description"
          hint="Optional, for every ticket."
          error={errors.errorDescription?.message}
        >
          {(fieldControl) => <input {...fieldControl} {...register("errorDescription")} />}
        </Field>
        <Field
          id="bulk-error-uri"
          label="Error URI"
          hint="Optional, for every ticket."
          error={errors.errorUri?.message}
        >
          {(fieldControl) => <input {...fieldControl} {...register("errorUri")} type="url" />}
        </Field>
        <Field
          id="bulk-justification"
          label="Justification"
          hint="Optional (required for production). Kept in the audit log."
          error={errors.justification?.message}
        >
          {(fieldControl) => <input {...fieldControl} {...register("justification")} />}
        </Field>
        <div className="submit-row">
          <button type="submit" disabled={startJob.isPending} aria-busy={startJob.isPending}>
            {startJob.isPending ? "Starting…" : `Fail ${list.tickets.length} tickets…`}
          </button>
        </div>
        <RequestErrorAlert error={startJob.error} title="The job could not start" />
      </form>

      {confirming && production && (
        <ProductionConfirmDialog
          serviceName={service.name}
          cluster={service.cluster}
          expected={String(confirming.tickets.length)}
          expectedWhat="the number of tickets"
          action="bulk job"
          justification={confirming.justification ?? ""}
          onConfirm={(confirmation, justification) =>
            start({ ...confirming, confirmation, justification })
          }
          onCancel={() => setConfirming(undefined)}
        />
      )}
      {confirming && !production && (
        <ModalDialog
          title={`Fail ${confirming.tickets.length} tickets?`}
          describedBy="bulk-confirm-text"
          onCancel={() => setConfirming(undefined)}
        >
          <p id="bulk-confirm-text">
            {confirming.tickets.length} tickets of{" "}
            {service?.name ?? `service ${confirming.serviceId}`} will be failed
            {confirming.reason ? ` (${confirming.reason} where a line names no reason)` : ""}. The
            job runs in the console&apos;s server: you can leave this page and come back.
          </p>
          <div className="submit-row">
            <button type="button" onClick={() => start(confirming)} disabled={startJob.isPending}>
              Start
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => setConfirming(undefined)}
              autoFocus
            >
              Cancel
            </button>
          </div>
        </ModalDialog>
      )}
    </>
  );
}

function TicketListPreview({ id, list }: { id: string; list: ReturnType<typeof parseTicketList> }) {
  const rejected = [...list.invalid, ...list.duplicates].sort((a, b) => a.line - b.line);
  return (
    <div id={id} className="bulk-preview" aria-live="polite">
      <p>
        <strong>{list.tickets.length}</strong> ticket{list.tickets.length === 1 ? "" : "s"} ready
        {list.duplicates.length > 0 &&
          `, ${list.duplicates.length} duplicate${list.duplicates.length === 1 ? "" : "s"} removed`}
        {list.invalid.length > 0 &&
          `, ${list.invalid.length} invalid line${list.invalid.length === 1 ? "" : "s"} (not sent)`}
        .
      </p>
      {rejected.length > 0 && (
        <details open={rejected.length <= 10}>
          <summary>Lines left out</summary>
          <ul className="rejected-lines">
            {rejected.slice(0, 200).map((line) => (
              <li key={line.line}>
                Line {line.line}: <span className="mono">{line.text}</span> — {line.why}
              </li>
            ))}
            {rejected.length > 200 && <li>…and {rejected.length - 200} more.</li>}
          </ul>
        </details>
      )}
    </div>
  );
}
