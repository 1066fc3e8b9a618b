import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { AUDIT_KINDS, AUDIT_OUTCOMES, auditFiltersSchema } from "../../../shared/audit";
import type { AuditFilters, AuditFiltersInput } from "../../../shared/audit";
import { FAIL_REASONS } from "../../../shared/reasons";
import { END_RESULTS } from "../../../shared/end-request";
import { useState } from "react";
import { Field } from "../../components/field";
import { localInputValue } from "./audit-search";

const EMPTY: Record<keyof AuditFilters, string> = {
  operator: "",
  serviceId: "",
  ticket: "",
  reason: "",
  outcome: "",
  kind: "",
  from: "",
  to: "",
  jobId: "",
};

/** The browser's datetime-local value is local time; the API wants an instant. */
function asInstant(local: string | undefined): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function AuditFiltersForm({
  initial,
  onApply,
}: {
  /** The filters in force (from the address): the form opens showing them. */
  initial: AuditFilters;
  onApply: (filters: AuditFilters) => void;
}) {
  const { register, handleSubmit, formState, reset } = useForm<
    AuditFiltersInput,
    unknown,
    AuditFilters
  >({
    resolver: zodResolver(auditFiltersSchema),
    defaultValues: {
      ...EMPTY,
      ...initial,
      from: localInputValue(initial.from),
      to: localInputValue(initial.to),
    },
  });
  // On a phone the nine filters would fill the screen: folded there, open on a desktop.
  const [wide] = useState(() => window.matchMedia("(min-width: 700px)").matches);
  const since = (hours: number) =>
    onApply({
      ...initial,
      from: new Date(Date.now() - hours * 3_600_000).toISOString(),
      to: undefined,
    });
  const errors = formState.errors;
  const apply = handleSubmit((filters) =>
    onApply({ ...filters, from: asInstant(filters.from), to: asInstant(filters.to) }),
  );

  const select = (name: "reason" | "outcome" | "kind", options: readonly string[]) => (
    <Field id={`filter-${name}`} label={FILTER_LABELS[name]} error={errors[name]?.message}>
      {(control) => (
        <select {...control} {...register(name)}>
          <option value="">Any</option>
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const text = (name: "operator" | "serviceId" | "ticket" | "jobId") => (
    <Field id={`filter-${name}`} label={FILTER_LABELS[name]} error={errors[name]?.message}>
      {(control) => (
        <input {...control} {...register(name)} autoComplete="off" spellCheck={false} />
      )}
    </Field>
  );
  const time = (name: "from" | "to") => (
    <Field id={`filter-${name}`} label={FILTER_LABELS[name]} error={errors[name]?.message}>
      {(control) => <input {...control} {...register(name)} type="datetime-local" />}
    </Field>
  );

  return (
    <form className="card audit-filters" onSubmit={(event) => void apply(event)} noValidate>
      <h2>Audit log</h2>
      <p className="muted">
        Every sign-in, test ticket, fail and end attempt, client notification, bulk job and job
        control, newest first. Operator matches part of a name or email; Ticket takes a whole ticket
        (found by its SHA-256 hash, since tickets are not stored) or the last 6 characters the
        tables show.
      </p>
      <div className="actions quick-range">
        <button type="button" className="button-secondary" onClick={() => since(1)}>
          Last 1 h
        </button>
        <button type="button" className="button-secondary" onClick={() => since(24)}>
          Last 24 h
        </button>
      </div>
      <details className="filter-fold" open={wide}>
        <summary>Filters</summary>
        <div className="filter-grid">
          {text("operator")}
          {text("serviceId")}
          {text("ticket")}
          {select("kind", AUDIT_KINDS)}
          {select("reason", [...FAIL_REASONS, ...END_RESULTS])}
          {select("outcome", AUDIT_OUTCOMES)}
          {time("from")}
          {time("to")}
          {text("jobId")}
        </div>
        <div className="submit-row">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              reset(EMPTY);
              onApply({});
            }}
          >
            Clear filters
          </button>
        </div>
      </details>
    </form>
  );
}

export const FILTER_LABELS: Record<keyof AuditFilters, string> = {
  operator: "Operator",
  serviceId: "Service ID",
  ticket: "Ticket",
  kind: "Action",
  reason: "Reason or result",
  outcome: "Outcome",
  from: "From",
  to: "To",
  jobId: "Bulk job",
};
