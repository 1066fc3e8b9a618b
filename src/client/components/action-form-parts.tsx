import { Suspense, lazy } from "react";
import type { KeyboardEvent } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import type { ServiceSummary } from "../../shared/console-info";
import type { AskFirstAnswers } from "../../shared/ask-first";
import type { AskFirstQuestion } from "../lib/use-ask-first";
import { Field } from "./field";
import { serviceNamed } from "./service-picker";

/** The parts Fail ticket and End issued request share, so that both read and work alike. */

const AskFirstDialog = lazy(() =>
  import("./ask-first-dialog").then((m) => ({ default: m.AskFirstDialog })),
);

/** Ctrl/Cmd+Enter anywhere in the form submits it. */
export function submitOnCtrlEnter(submit: () => unknown) {
  return (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  };
}

export function JustificationField({
  field,
  error,
  doing,
}: {
  field: UseFormRegisterReturn;
  error: string | undefined;
  /** "fail this ticket", "end this request". */
  doing: string;
}) {
  return (
    <Field
      id="justification"
      label="Justification"
      hint={`Optional. Why you ${doing}, e.g. an incident number. Kept in the audit log; never sent to Authlete.`}
      error={error}
    >
      {(control) => <input {...control} {...field} autoComplete="off" />}
    </Field>
  );
}

export function SubmitRow({
  pending,
  label,
  pendingLabel,
  danger = false,
}: {
  pending: boolean;
  label: string;
  pendingLabel: string;
  /** Production: the button is red, as the action is. */
  danger?: boolean;
}) {
  return (
    <div className="submit-row">
      <button
        type="submit"
        disabled={pending}
        aria-busy={pending}
        className={danger ? "button-danger" : undefined}
      >
        {pending ? pendingLabel : label}
      </button>
      <span className="muted shortcut">
        or <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
      </span>
    </div>
  );
}

/** The server's question about a single action (already acted on, production), in the dialog. */
export function AskFirstAbout({
  asking,
  services,
  verb,
  ticketTail,
  restate,
  pending,
  onAnswer,
  onCancel,
}: {
  /** What is about to be sent and what the client gets, said again in the dialog. */
  restate: string;
  asking: { request: AskFirstAnswers & { serviceId: string }; question: AskFirstQuestion };
  services: ServiceSummary[];
  verb: "fail" | "end";
  ticketTail: string;
  pending: boolean;
  onAnswer: (answers: { confirmation?: string; justification?: string }) => void;
  onCancel: () => void;
}) {
  // The service the question is about: the one the request named, as the services list knows it.
  const service = serviceNamed(services, asking.request.serviceId);
  return (
    <Suspense fallback={null}>
      <AskFirstDialog
        question={asking.question}
        serviceName={service?.name ?? `Service ${asking.request.serviceId}`}
        cluster={service?.cluster ?? null}
        action={`${verb} call`}
        verb={verb}
        ticketTail={ticketTail}
        restate={restate}
        justification={asking.request.justification ?? ""}
        pending={pending}
        onAnswer={onAnswer}
        onCancel={onCancel}
      />
    </Suspense>
  );
}

/** Whether the console sends the client notification itself (DELIVER_CLIENT_NOTIFICATIONS). */
export function DeliverNotificationField({
  id,
  field,
  available,
  label,
  hint,
}: {
  id: string;
  field: UseFormRegisterReturn;
  available: boolean;
  label: string;
  hint: string;
}) {
  return (
    <div className="field checkbox-field">
      <label>
        <input type="checkbox" {...field} disabled={!available} aria-describedby={`${id}-hint`} />{" "}
        {label}
      </label>
      <p id={`${id}-hint`} className="field-hint">
        {available ? hint : "Off on this console (DELIVER_CLIENT_NOTIFICATIONS)."}
      </p>
    </div>
  );
}
