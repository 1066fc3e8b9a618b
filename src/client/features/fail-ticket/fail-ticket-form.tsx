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
import { ProductionConfirmDialog } from "./production-confirm-dialog";
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
  // The questions asked between Fail ticket and the call: repeat warning, then production.
  const [asking, setAsking] = useState<
    | { step: "repeat"; request: FailRequest; fails: PreviousFails["fails"] }
    | { step: "production"; request: FailRequest }
    | undefined
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
  const service = services.find((known) => known.serviceId === serviceId?.trim());
  const serviceName = service?.name;
  const isProduction = (id: string) =>
    services.some((known) => known.serviceId === id && known.environment === "production");

  function sendFail(request: FailRequest) {
    setAsking(undefined);
    failTicket.mutate(request, { onSuccess: () => rememberServiceId(request.serviceId) });
  }

  function afterRepeatCheck(request: FailRequest) {
    if (isProduction(request.serviceId)) setAsking({ step: "production", request });
    else sendFail(request);
  }

  // Asks the audit trail first: a ticket failed here before gets a warning and a second question.
  const submit = handleSubmit((request) => {
    createTestTicket.reset();
    const { serviceId, backchannelAuthenticationFailRequest } = request;
    previousFails.mutate(
      { serviceId, ticket: backchannelAuthenticationFailRequest.ticket },
      {
        onSuccess: ({ fails }) => {
          if (fails.length === 0) afterRepeatCheck(request);
          else setAsking({ step: "repeat", request, fails });
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
    <>
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
                {services.map((known) => (
                  <option key={known.serviceId} value={known.serviceId}>
                    {[known.name, known.environment, known.cluster].filter(Boolean).join(" · ")}
                  </option>
                ))}
              </datalist>
            </>
          )}
        </Field>
        <p className="service-name" aria-live="polite">
          {serviceName && (
            <>
              Service: {serviceName}
              {service?.environment && (
                <span className={`env-badge env-${service.environment}`}>
                  {service.environment}
                </span>
              )}
              {service?.cluster && <span className="mono"> · {service.cluster}</span>}
            </>
          )}
        </p>
        {service?.environment === "production" && (
          <p className="production-banner" role="note">
            <strong>Production: {service.name}.</strong> Fail calls here end real users&apos;
            pending requests. Failing asks you to confirm the ticket and say why.
          </p>
        )}

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
          hint={
            'Optional. Sent to the client as error_description; printable ASCII without " or \\.'
          }
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
      </form>
      {/* Outside the form: a dialog's own buttons and form must not submit this one. */}
      {asking?.step === "repeat" && (
        <RepeatFailDialog
          ticketTail={asking.request.backchannelAuthenticationFailRequest.ticket.slice(-6)}
          fails={asking.fails}
          onConfirm={() => afterRepeatCheck(asking.request)}
          onCancel={() => setAsking(undefined)}
        />
      )}
      {asking?.step === "production" && (
        <ProductionConfirmDialog
          serviceName={service?.name ?? asking.request.serviceId}
          cluster={service?.cluster ?? null}
          expected={asking.request.backchannelAuthenticationFailRequest.ticket.slice(-6)}
          expectedWhat="the last 6 characters of the ticket"
          action="fail call"
          justification={asking.request.justification ?? ""}
          onConfirm={(confirmation, justification) => {
            setValue("justification", justification);
            sendFail({ ...asking.request, confirmation, justification });
          }}
          onCancel={() => setAsking(undefined)}
        />
      )}
    </>
  );
}
