import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { Suspense, lazy, useCallback, useState, useEffect } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { AuditEvent } from "../../../shared/audit";
import { ticketTail } from "../../../shared/ask-first";
import { REASONS } from "../../../shared/reasons";
import type { ReasonInfo } from "../../../shared/reasons";
import { failRequestSchema } from "../../../shared/fail-request";
import type { FailRequest, FailRequestInput } from "../../../shared/fail-request";
import { ErrorDetailsFields } from "../../components/error-details-fields";
import { usePageShortcut } from "../../components/keyboard-shortcuts";
import {
  AskFirstAbout,
  JustificationField,
  SubmitRow,
  submitOnCtrlEnter,
} from "../../components/action-form-parts";
import { ProductionBanner } from "../../components/production-banner";
import { ReasonSelect } from "../../components/reason-select";
import { curlBaseUrl } from "../../components/share-actions";
import { ServicePicker, serviceNamed } from "../../components/service-picker";
import { consoleConfigQuery, servicesQuery } from "../../lib/console-queries";
import { handOff, takePrefill } from "../../lib/action-draft";
import { useLocation } from "wouter";
import type { EndResult } from "../../../shared/end-request";
import { rememberServiceId, useServiceField } from "../../lib/last-service";
import { useCreateTestTicket } from "../../lib/action-queries";
import {
  PRODUCTION_NO_TEST_TICKETS,
  TicketField,
  testTicketNote,
} from "../../components/ticket-field";
import { ActionChoice } from "../../components/action-choice";
import { useFailSubmission } from "./use-fail-submission";
import type { FailOutcome } from "./use-fail-submission";

// Not part of the page's initial JS: what the form needs to be filled comes first; these
// follow at once (reason details, sharing, recent fails) or when the server first asks.
const ReasonDetails = lazy(() =>
  import("./reason-details").then((m) => ({ default: m.ReasonDetails })),
);
const ShareActions = lazy(() =>
  import("./share-actions").then((m) => ({ default: m.FailShareActions })),
);

const TICKET = "backchannelAuthenticationFailRequest.ticket";

/** "Ticket …Qp7Rw2 · ACCESS_DENIED · its client gets 403 access_denied", for the dialog. */
function failRestated(request: FailRequest): string {
  const { ticket, reason } = request.backchannelAuthenticationFailRequest;
  const info: ReasonInfo = REASONS[reason];
  return `Ticket …${ticketTail(ticket)} · ${reason} · its client gets ${info.clientStatus} ${info.error}`;
}
const REASON = "backchannelAuthenticationFailRequest.reason";
type Reason = FailRequestInput["backchannelAuthenticationFailRequest"]["reason"];

/** The fail form: its fields, the questions before a fail, and the person's recent fails. */
export function FailTicketForm({
  onOutcome,
  onUseAgainReady,
}: {
  onOutcome: (outcome: FailOutcome) => void;
  /** Given the form's "use again" (a recent action back in the form), for the result column. */
  onUseAgainReady: (fill: (event: AuditEvent) => void) => void;
}) {
  const { data: config } = useQuery(consoleConfigQuery);
  const { data: services = [] } = useQuery(servicesQuery);
  const createTestTicket = useCreateTestTicket();
  const [note, setNote] = useState("");
  const [linked] = useState(takePrefill);
  const [, navigate] = useLocation();
  // One schema for the BFF and the form: field names are the API's own paths.
  const form = useForm<FailRequestInput, unknown, FailRequest>({
    resolver: zodResolver(failRequestSchema),
    mode: "onTouched",
    defaultValues: {
      serviceId: linked.serviceId ?? "",
      backchannelAuthenticationFailRequest: {
        ticket: linked.ticket ?? "",
        ...(linked.reason ? { reason: linked.reason } : {}),
        errorDescription: "",
        errorUri: "",
      },
      justification: "",
    },
  });
  const { register, handleSubmit, formState, setValue, getValues, trigger, control, setFocus } =
    form;
  const pickService = useServiceField(form);
  const errors = formState.errors;
  const requestErrors = errors.backchannelAuthenticationFailRequest;
  const [serviceId, reason, description, uri] = useWatch({
    control,
    name: [
      "serviceId",
      REASON,
      "backchannelAuthenticationFailRequest.errorDescription",
      "backchannelAuthenticationFailRequest.errorUri",
    ],
  });
  const service = serviceNamed(services, serviceId);
  const production = service?.environment === "production";
  const submission = useFailSubmission(onOutcome);

  // `/` anywhere on the page (but in a field) jumps to Ticket.
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

  /** A recent action back in the form: everything but the ticket, which is never kept. */
  function fillFrom(event: AuditEvent) {
    if (event.kind === "end") {
      handOff({ serviceId: event.serviceId ?? undefined, result: event.reason as EndResult });
      navigate("/end");
      return;
    }
    if (event.serviceId) setValue("serviceId", event.serviceId, { shouldValidate: true });
    setValue(REASON, (event.reason ?? "") as Reason);
    setValue("backchannelAuthenticationFailRequest.errorDescription", event.errorDescription ?? "");
    setValue("backchannelAuthenticationFailRequest.errorUri", event.errorUri ?? "");
    setValue(TICKET, "");
    setNote("Tickets are not kept: paste the ticket again.");
    setFocus(TICKET);
  } // The recent actions sit in the result column; their "use again" fills this form.
  useEffect(() => {
    onUseAgainReady(fillFrom);
  });

  async function fillWithTestTicket() {
    if (!(await trigger("serviceId"))) return;
    submission.reset();
    createTestTicket.mutate(
      { serviceId: getValues("serviceId").trim() },
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
      {/* method="post": were the form ever sent by the browser itself (a first frame in a
          browser without scripts), the ticket would not end up in an address. */}
      <form
        className="card form"
        method="post"
        onSubmit={(event) => void submit(event)}
        onKeyDown={submitOnCtrlEnter(submit)}
        noValidate
      >
        <h2>Fail a ticket</h2>
        <ActionChoice
          current="fail"
          carry={() => ({
            serviceId: getValues("serviceId"),
            ticket: getValues(TICKET),
          })}
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
          Fail calls here end real users&apos; pending requests. Failing asks you to confirm the
          ticket and say why.
        </ProductionBanner>
        <TicketField
          field={register(TICKET)}
          error={requestErrors?.ticket?.message}
          onTicket={setTicket}
          note={note}
          onNote={setNote}
          testTickets={{
            available: (config?.testTickets.available ?? false) && !production,
            unavailable: production ? PRODUCTION_NO_TEST_TICKETS : undefined,
            pending: createTestTicket.isPending,
            create: () => void fillWithTestTicket(),
            error: createTestTicket.error,
          }}
        />
        <div className="reason-row">
          <ReasonSelect
            id="reason"
            field={register(REASON)}
            error={requestErrors?.reason?.message}
            describedBy="reason-details"
          />
          <Suspense fallback={<div id="reason-details" className="reason-details" />}>
            <ReasonDetails id="reason-details" reason={reason || undefined} />
          </Suspense>
        </div>
        <ErrorDetailsFields
          idPrefix=""
          description={register("backchannelAuthenticationFailRequest.errorDescription")}
          uri={register("backchannelAuthenticationFailRequest.errorUri")}
          errors={{
            description: requestErrors?.errorDescription?.message,
            uri: requestErrors?.errorUri?.message,
          }}
          folded={{ filled: Boolean(description || uri) }}
        />
        <JustificationField
          field={register("justification")}
          error={errors.justification?.message}
          doing="fail this ticket"
        />
        <SubmitRow
          pending={submission.pending}
          label="Fail ticket"
          danger={production}
          pendingLabel="Failing ticket…"
        />
        <Suspense fallback={null}>
          <ShareActions
            values={getValues}
            validRequest={() => {
              const parsed = failRequestSchema.safeParse(getValues());
              if (!parsed.success) void trigger();
              return parsed.success ? parsed.data : undefined;
            }}
            baseUrl={curlBaseUrl(service?.cluster, config?.target)}
            simulated={!service?.cluster && (config?.target.simulated ?? false)}
          />
        </Suspense>
      </form>
      {/* Outside the form: a dialog's own buttons and form must not submit this one. */}
      {asking && (
        <AskFirstAbout
          asking={asking}
          services={services}
          verb="fail"
          ticketTail={ticketTail(asking.request.backchannelAuthenticationFailRequest.ticket)}
          restate={failRestated(asking.request)}
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
