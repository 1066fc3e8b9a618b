import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useState, useEffect } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useLocation } from "wouter";
import type { AuditEvent } from "../../../shared/audit";
import { ticketTail } from "../../../shared/ask-first";
import { DELIVERY_MODES } from "../../../shared/end-outcome";
import type { DeliveryMode, EndOutcome } from "../../../shared/end-outcome";
import { END_RESULTS, END_RESULT_INFO, endRequestSchema } from "../../../shared/end-request";
import type { EndRequest, EndRequestInput } from "../../../shared/end-request";
import type { FailReason } from "../../../shared/reasons";
import { ActionChoice } from "../../components/action-choice";
import {
  AskFirstAbout,
  DeliverNotificationField,
  JustificationField,
  SubmitRow,
  submitOnCtrlEnter,
} from "../../components/action-form-parts";
import { ErrorDetailsFields } from "../../components/error-details-fields";
import { Field } from "../../components/field";
import { usePageShortcut } from "../../components/keyboard-shortcuts";
import { ProductionBanner } from "../../components/production-banner";
import { curlBaseUrl } from "../../components/share-actions";
import { ServicePicker, serviceNamed } from "../../components/service-picker";
import {
  PRODUCTION_NO_TEST_TICKETS,
  TicketField,
  testTicketNote,
} from "../../components/ticket-field";
import { useCreateTestTicket } from "../../lib/action-queries";
import { handOff, takePrefill } from "../../lib/action-draft";
import { consoleConfigQuery, servicesQuery } from "../../lib/console-queries";
import { heldForApproval } from "../../lib/form-outcome";
import type { FormOutcome } from "../../lib/form-outcome";
import type { ApprovalAccepted } from "../../../shared/approvals";
import { rememberServiceId, useServiceField } from "../../lib/last-service";
import { useAskFirst } from "../../lib/use-ask-first";
import { useEndRequest } from "./queries";
import { EndShareActions } from "./end-share-actions";

const INNER = "backchannelAuthenticationCompleteRequest";
export type EndFormOutcome = FormOutcome<EndOutcome, EndRequest>;
const TICKET = `${INNER}.ticket` as const;
const RESULT = `${INNER}.result` as const;

/** End issued request: the fail form's fields, a result instead of a reason, and delivery. */
export function EndRequestForm({
  onOutcome,
  onUseAgainReady,
}: {
  onOutcome: (outcome: EndFormOutcome) => void;
  /** Given the form's "use again" (a recent action back in the form), for the result column. */
  onUseAgainReady: (fill: (event: AuditEvent) => void) => void;
}) {
  const { data: config } = useQuery(consoleConfigQuery);
  const { data: services = [] } = useQuery(servicesQuery);
  const createTestTicket = useCreateTestTicket();
  const [note, setNote] = useState("");
  const [mode, setMode] = useState<DeliveryMode>("POLL");
  const [linked] = useState(takePrefill);
  const [, navigate] = useLocation();
  const form = useForm<EndRequestInput, unknown, EndRequest>({
    resolver: zodResolver(endRequestSchema),
    mode: "onTouched",
    defaultValues: {
      serviceId: linked.serviceId ?? "",
      [INNER]: {
        ticket: linked.ticket ?? "",
        // The usual choice for a request the AS lost (Authlete: "a generic error").
        result: linked.result ?? "TRANSACTION_FAILED",
        errorDescription: "",
        errorUri: "",
      },
      justification: "",
      deliverNotification: false,
    },
  });
  const { register, handleSubmit, formState, setValue, getValues, trigger, control, setFocus } =
    form;
  const pickService = useServiceField(form);
  const errors = formState.errors;
  const inner = errors[INNER];
  const [serviceId, result, description, uri] = useWatch({
    control,
    name: [
      "serviceId",
      RESULT,
      "backchannelAuthenticationCompleteRequest.errorDescription",
      "backchannelAuthenticationCompleteRequest.errorUri",
    ],
  });
  const service = serviceNamed(services, serviceId);
  const production = service?.environment === "production";
  const modes = service?.testDeliveryModes ?? [...DELIVERY_MODES];
  const submission = useAskFirst(
    useEndRequest(),
    (answer: EndOutcome | ApprovalAccepted, request: EndRequest) => {
      rememberServiceId(request.serviceId);
      onOutcome(
        heldForApproval(answer)
          ? { kind: "approval", approval: answer.approval, request, at: new Date() }
          : { kind: "done", result: answer, request, at: new Date() },
      );
    },
    (error) => onOutcome({ kind: "problem", error, at: new Date() }),
  );
  usePageShortcut(
    "/",
    useCallback(() => setFocus(TICKET), [setFocus]),
  );

  const submit = handleSubmit((request) => {
    createTestTicket.reset();
    submission.submit(request);
  });

  function setTicket(ticket: string) {
    setValue(TICKET, ticket, { shouldDirty: true, shouldTouch: true, shouldValidate: true });
  }

  function fillFrom(event: AuditEvent) {
    if (event.kind !== "end") {
      handOff({ serviceId: event.serviceId ?? undefined, reason: event.reason as FailReason });
      navigate("/");
      return;
    }
    if (event.serviceId) setValue("serviceId", event.serviceId, { shouldValidate: true });
    setValue(RESULT, event.reason === "ACCESS_DENIED" ? "ACCESS_DENIED" : "TRANSACTION_FAILED");
    setValue(`${INNER}.errorDescription`, event.errorDescription ?? "");
    setValue(`${INNER}.errorUri`, event.errorUri ?? "");
    setValue(TICKET, "");
    setNote("Tickets are not kept: paste the ticket again.");
    setFocus(TICKET);
  } // The recent actions sit in the result column; their "use again" fills this form.
  useEffect(() => {
    onUseAgainReady(fillFrom);
  });

  async function createIssuedRequest() {
    if (!(await trigger("serviceId"))) return;
    submission.reset();
    createTestTicket.mutate(
      { serviceId: getValues("serviceId").trim(), issued: true, deliveryMode: mode },
      {
        onSuccess: (created) => {
          rememberServiceId(created.serviceId);
          setTicket(created.ticket);
          setNote(testTicketNote(created));
        },
        // The ticket in the field is an older one: left there, it would look like the new one.
        onError: () => {
          setValue(TICKET, "");
          setNote("");
        },
      },
    );
  }

  const asking = submission.asking;
  return (
    <div className="form-column">
      <form
        className="card form"
        onSubmit={(event) => void submit(event)}
        onKeyDown={submitOnCtrlEnter(submit)}
        noValidate
      >
        <h2>End an issued request</h2>
        <ActionChoice
          current="end"
          carry={() => ({ serviceId: getValues("serviceId"), ticket: getValues(TICKET) })}
        />
        <ServicePicker
          id="service-id"
          field={register("serviceId")}
          onPick={pickService}
          error={errors.serviceId?.message}
          services={services}
          chosen={service}
        />
        <ProductionBanner service={service}>
          Ending a request here tells a real client its user&apos;s request is over. You will be
          asked to confirm the ticket and say why.
        </ProductionBanner>
        <TicketField
          field={register(TICKET)}
          error={inner?.ticket?.message}
          onTicket={setTicket}
          note={note}
          onNote={setNote}
          hint="From the authorization server's logs: the ticket it called /issue with (the client then got an auth_req_id)."
          testTickets={{
            available: (config?.testTickets.available ?? false) && !production,
            unavailable: production ? PRODUCTION_NO_TEST_TICKETS : undefined,
            pending: createTestTicket.isPending,
            error: createTestTicket.error,
            create: () => void createIssuedRequest(),
            label: "Create issued test request",
            extra: (
              <select
                aria-label="Delivery mode of the test client"
                className="mode-select"
                value={mode}
                onChange={(event) => setMode(event.target.value as DeliveryMode)}
              >
                {modes.map((known) => (
                  <option key={known} value={known}>
                    {known.toLowerCase()}
                  </option>
                ))}
              </select>
            ),
          }}
        />
        <Field
          id="result"
          label="Result"
          error={inner?.result?.message}
          describedBy="result-meaning"
        >
          {(field) => (
            <select {...field} {...register(RESULT)}>
              {END_RESULTS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p id="result-meaning" className="result-meaning">
          {result && END_RESULT_INFO[result].summary}
        </p>
        <ErrorDetailsFields
          idPrefix=""
          description={register(`${INNER}.errorDescription`)}
          uri={register(`${INNER}.errorUri`)}
          errors={{
            description: inner?.errorDescription?.message,
            uri: inner?.errorUri?.message,
          }}
          folded={{ filled: Boolean(description || uri) }}
        />
        <DeliverNotificationField
          id="deliver"
          field={register("deliverNotification")}
          available={config?.notifications.deliver ?? false}
          label="Send the client notification from this console (ping and push)"
          hint="Sends exactly what Authlete returns, to the endpoint Authlete returns (https, public addresses). Otherwise the answer shows it, with Copy as curl."
        />
        <JustificationField
          field={register("justification")}
          error={errors.justification?.message}
          doing="end this request"
        />
        <SubmitRow
          pending={submission.pending}
          label="End request"
          pendingLabel="Ending request…"
          danger={production}
        />
        <EndShareActions
          values={getValues}
          validRequest={() => {
            const parsed = endRequestSchema.safeParse(getValues());
            if (!parsed.success) void trigger();
            return parsed.success ? parsed.data : undefined;
          }}
          baseUrl={curlBaseUrl(service?.cluster, config?.target)}
          simulated={!service?.cluster && (config?.target.simulated ?? false)}
        />
      </form>
      {asking && (
        <AskFirstAbout
          asking={asking}
          services={services}
          verb="end"
          ticketTail={ticketTail(asking.request[INNER].ticket)}
          restate={`Request …${ticketTail(asking.request[INNER].ticket)} · ${asking.request[INNER].result}`}
          pending={submission.pending}
          onAnswer={(answers) => {
            if (answers.justification) setValue("justification", answers.justification);
            submission.answer(answers);
          }}
          onCancel={() => submission.cancel()}
        />
      )}
    </div>
  );
}
