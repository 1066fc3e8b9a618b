import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ClipboardEvent, KeyboardEvent } from "react";
import type { AuditEvent, PreviousFails } from "../../../shared/audit";
import { useForm, useWatch } from "react-hook-form";
import { failRequestSchema } from "../../../shared/fail-request";
import type { FailRequest, FailRequestInput } from "../../../shared/fail-request";
import { FAIL_REASONS } from "../../../shared/reasons";
import { deepLink, failAsCurl } from "../../../shared/curl";
import { ticketFromPaste } from "../../../shared/ticket-paste";
import { CopyButton } from "../../components/copy-button";
import { Field } from "../../components/field";
import { takeDeepLink } from "../../lib/deep-link";
import { RequestErrorAlert } from "../../components/problem-alert";
import { readLastServiceId, rememberServiceId } from "../../lib/last-service";
import { consoleConfigQuery, servicesQuery, useCreateTestTicket } from "./queries";
import type { useFailTicket } from "./queries";
import { usePreviousFails } from "../audit/queries";
import { ReasonDetails } from "./reason-details";
import { ProductionConfirmDialog } from "./production-confirm-dialog";
import { RecentActions } from "./recent-actions";
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

  const linked = takeDeepLink();
  const [pasteNote, setPasteNote] = useState("");
  // One schema for the BFF and the form: field names are the API's own paths.
  const form = useForm<FailRequestInput, unknown, FailRequest>({
    resolver: zodResolver(failRequestSchema),
    mode: "onTouched",
    defaultValues: {
      serviceId: linked.serviceId ?? readLastServiceId(),
      backchannelAuthenticationFailRequest: {
        ticket: linked.ticket ?? "",
        ...(linked.reason ? { reason: linked.reason } : {}),
        errorDescription: "",
        errorUri: "",
      },
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

  // Tickets come from logs: with spaces around them, inside a log line, or in the JSON answer
  // of /backchannel/authentication. Whatever was pasted, the ticket in it lands in the field.
  function pasteTicket(event: ClipboardEvent<HTMLInputElement>) {
    const pasted = event.clipboardData.getData("text");
    const found = ticketFromPaste(pasted);
    setPasteNote("");
    if (!found || found.ticket === pasted) return;
    event.preventDefault();
    const input = event.currentTarget;
    const bare = found.ticket === pasted.trim();
    if (bare) {
      input.setRangeText(found.ticket, input.selectionStart ?? 0, input.selectionEnd ?? 0, "end");
    } else {
      input.value = found.ticket;
      const extras = [
        found.clientId && `client ${found.clientId}`,
        found.hint && `hint “${found.hint}”`,
      ].filter(Boolean);
      setPasteNote(
        `Took ticket …${found.ticket.slice(-6)} from the pasted text${extras.length ? ` (${extras.join(", ")})` : ""}.`,
      );
    }
    setValue(TICKET, input.value, { shouldDirty: true, shouldValidate: true });
  }

  /** The form as a valid request, or undefined after showing what is wrong. */
  function validRequest(): FailRequest | undefined {
    const parsed = failRequestSchema.safeParse(getValues());
    if (!parsed.success) void trigger();
    return parsed.success ? parsed.data : undefined;
  }

  /** A recent action back in the form: everything but the ticket, which is never kept. */
  function fillFrom(event: AuditEvent) {
    if (event.serviceId) setValue("serviceId", event.serviceId, { shouldValidate: true });
    setValue(
      REASON,
      (event.reason ?? "") as FailRequestInput["backchannelAuthenticationFailRequest"]["reason"],
    );
    setValue("backchannelAuthenticationFailRequest.errorDescription", event.errorDescription ?? "");
    setValue("backchannelAuthenticationFailRequest.errorUri", event.errorUri ?? "");
    setValue(TICKET, "");
    setPasteNote("Tickets are not kept: paste the ticket again.");
    document.getElementById("ticket")?.focus();
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
    <div className="form-column">
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
              onPaste={pasteTicket}
              autoComplete="off"
              spellCheck={false}
              className="mono"
            />
          )}
        </Field>
        <p role="status" className="muted test-ticket-status">
          {pasteNote ||
            (createTestTicket.data
              ? `Test ticket created for client ${createTestTicket.data.clientId}` +
                (createTestTicket.data.clientName ? ` (${createTestTicket.data.clientName})` : "") +
                `, login hint “${createTestTicket.data.loginHint}”.`
              : "")}
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
        <div className="actions share-actions">
          <CopyButton
            label="Copy link"
            text={() => {
              const values = getValues();
              return deepLink(window.location.origin, {
                serviceId: values.serviceId,
                ticket: values.backchannelAuthenticationFailRequest.ticket,
                reason: values.backchannelAuthenticationFailRequest.reason,
              });
            }}
          />
          <CopyButton
            label="Copy as curl"
            text={() => {
              const request = validRequest();
              return (
                request && failAsCurl(service?.cluster ?? config?.target.baseUrl ?? "", request)
              );
            }}
          />
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
      <RecentActions onUseAgain={fillFrom} />
    </div>
  );
}
