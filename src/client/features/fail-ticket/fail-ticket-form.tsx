import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ClipboardEvent, KeyboardEvent } from "react";
import type { PreviousFails } from "../../../shared/audit";
import { useForm, useWatch } from "react-hook-form";
import { failRequestSchema } from "../../../shared/fail-request";
import type { FailRequest, FailRequestInput } from "../../../shared/fail-request";
import { FAIL_REASONS } from "../../../shared/reasons";
import { Field } from "../../components/field";
import { RequestErrorAlert } from "../../components/problem-alert";
import { readLastServiceId, rememberServiceId } from "../../lib/last-service";
import { consoleConfigQuery, servicesQuery, useCreateTestTicket } from "./queries";
import type { useFailTicket } from "./queries";
import { usePreviousFails } from "../audit/queries";
import { ReasonDetails } from "./reason-details";
import { RepeatFailDialog } from "./repeat-fail-dialog";

const TICKET = "backchannelAuthenticationFailRequest.ticket";
const REASON = "backchannelAuthenticationFailRequest.reason";

interface FailTicketFormProps {
  failTicket: ReturnType<typeof useFailTicket>;
}

export function FailTicketForm({ failTicket }: FailTicketFormProps) {
  const { data: config } = useQuery(consoleConfigQuery);
  const { data: services = [] } = useQuery(servicesQuery);
  const createTestTicket = useCreateTestTicket();
  const previousFails = usePreviousFails();
  const [repeatOf, setRepeatOf] = useState<
    { request: FailRequest; fails: PreviousFails["fails"] } | undefined
  >();

  // One schema for the BFF and the form: field names are the API's own paths.
  const form = useForm<FailRequestInput, unknown, FailRequest>({
    resolver: zodResolver(failRequestSchema),
    mode: "onTouched",
    defaultValues: {
      serviceId: readLastServiceId(),
      backchannelAuthenticationFailRequest: { ticket: "", errorDescription: "", errorUri: "" },
      justification: "",
    },
  });
  const { register, handleSubmit, formState, setValue, getValues, trigger, control } = form;
  const errors = formState.errors;
  const requestErrors = errors.backchannelAuthenticationFailRequest;
  const [serviceId, reason] = useWatch({ control, name: ["serviceId", REASON] });
  const serviceName = services.find((service) => service.serviceId === serviceId?.trim())?.name;

  function sendFail(request: FailRequest) {
    setRepeatOf(undefined);
    failTicket.mutate(request, { onSuccess: () => rememberServiceId(request.serviceId) });
  }

  // Asks the audit trail first: a ticket failed here before gets a warning and a second question.
  const submit = handleSubmit((request) => {
    createTestTicket.reset();
    const { serviceId, backchannelAuthenticationFailRequest } = request;
    previousFails.mutate(
      { serviceId, ticket: backchannelAuthenticationFailRequest.ticket },
      {
        onSuccess: ({ fails }) => {
          if (fails.length === 0) sendFail(request);
          else setRepeatOf({ request, fails });
        },
      },
    );
  });

  function submitOnCtrlEnter(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  }

  // Tickets are copied from logs with stray spaces and line breaks around them.
  function pasteTrimmed(event: ClipboardEvent<HTMLInputElement>) {
    const pasted = event.clipboardData.getData("text");
    const trimmed = pasted.trim();
    if (trimmed === pasted) return;
    event.preventDefault();
    const input = event.currentTarget;
    input.setRangeText(trimmed, input.selectionStart ?? 0, input.selectionEnd ?? 0, "end");
    setValue(TICKET, input.value, { shouldDirty: true, shouldValidate: true });
  }

  async function fillWithTestTicket() {
    if (!(await trigger("serviceId"))) return;
    failTicket.reset();
    createTestTicket.mutate(
      { serviceId: getValues("serviceId").trim() },
      {
        onSuccess: (created) =>
          setValue(TICKET, created.ticket, {
            shouldDirty: true,
            shouldTouch: true,
            shouldValidate: true,
          }),
      },
    );
  }

  const requestError = failTicket.error ?? createTestTicket.error ?? previousFails.error;
  const pending = failTicket.isPending || previousFails.isPending;

  return (
    <form
      className="card form"
      onSubmit={(event) => void submit(event)}
      onKeyDown={submitOnCtrlEnter}
      noValidate
    >
      <h2>Fail a ticket</h2>
      <Field
        id="service-id"
        label="Service ID"
        hint="The service's API key (digits)."
        error={errors.serviceId?.message}
      >
        {(control) => (
          <>
            <input
              {...control}
              {...register("serviceId")}
              list="known-services"
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
            />
            <datalist id="known-services">
              {services.map((service) => (
                <option key={service.serviceId} value={service.serviceId}>
                  {service.name}
                </option>
              ))}
            </datalist>
          </>
        )}
      </Field>
      <p className="service-name" aria-live="polite">
        {serviceName ? `Service: ${serviceName}` : ""}
      </p>

      <Field
        id="ticket"
        label="Ticket"
        hint="From the authorization server's logs: the ticket of /backchannel/authentication."
        error={requestErrors?.ticket?.message}
        action={
          config?.testTickets.available ? (
            <button
              type="button"
              className="button-secondary"
              onClick={() => void fillWithTestTicket()}
              disabled={createTestTicket.isPending}
            >
              {createTestTicket.isPending ? "Creating…" : "Create test ticket"}
            </button>
          ) : undefined
        }
      >
        {(control) => (
          <input
            {...control}
            {...register(TICKET)}
            onPaste={pasteTrimmed}
            autoComplete="off"
            spellCheck={false}
            className="mono"
          />
        )}
      </Field>
      <p role="status" className="muted test-ticket-status">
        {createTestTicket.data
          ? `Test ticket created for client ${createTestTicket.data.clientId}` +
            (createTestTicket.data.clientName ? ` (${createTestTicket.data.clientName})` : "") +
            `, login hint “${createTestTicket.data.loginHint}”.`
          : ""}
      </p>

      <div className="reason-row">
        <Field
          id="reason"
          label="Reason"
          error={requestErrors?.reason?.message}
          describedBy="reason-details"
        >
          {(control) => (
            <select {...control} {...register(REASON)} defaultValue="">
              <option value="" disabled>
                Choose a reason…
              </option>
              {FAIL_REASONS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ReasonDetails id="reason-details" reason={reason || undefined} />
      </div>

      <Field
        id="error-description"
        label="Error description"
        hint={'Optional. Sent to the client as error_description; printable ASCII without " or \\.'}
        error={requestErrors?.errorDescription?.message}
      >
        {(control) => (
          <textarea
            {...control}
            {...register("backchannelAuthenticationFailRequest.errorDescription")}
            rows={2}
          />
        )}
      </Field>

      <Field
        id="error-uri"
        label="Error URI"
        hint="Optional. Sent as error_uri: an absolute https:// or http:// URI."
        error={requestErrors?.errorUri?.message}
      >
        {(control) => (
          <input
            {...control}
            {...register("backchannelAuthenticationFailRequest.errorUri")}
            type="url"
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>

      <Field
        id="justification"
        label="Justification"
        hint="Optional. Why you fail this ticket, e.g. an incident number. Kept in the audit log; never sent to Authlete."
        error={errors.justification?.message}
      >
        {(control) => <input {...control} {...register("justification")} autoComplete="off" />}
      </Field>

      <div className="submit-row">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? "Failing ticket…" : "Fail ticket"}
        </button>
        <span className="muted shortcut">
          or <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
        </span>
      </div>

      <RequestErrorAlert error={requestError} title="Something went wrong" />
      {repeatOf && (
        <RepeatFailDialog
          ticketTail={repeatOf.request.backchannelAuthenticationFailRequest.ticket.slice(-6)}
          fails={repeatOf.fails}
          onConfirm={() => sendFail(repeatOf.request)}
          onCancel={() => setRepeatOf(undefined)}
        />
      )}
    </form>
  );
}
