import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { justificationSchema } from "../../shared/fail-request";
import { formatTime } from "../lib/format";
import type { AskFirstQuestion } from "../lib/use-ask-first";
import { Field } from "./field";
import { ModalDialog } from "./modal-dialog";

interface AskFirstDialogProps {
  question: AskFirstQuestion;
  /** The service as people know it, and its cluster when known. */
  serviceName: string;
  cluster: string | null;
  /** What is asked about: "fail call", "end call", "bulk job". */
  action: string;
  /** The action about to be taken, for the dialog's words (default "fail"). */
  verb?: "fail" | "end";
  /** The ticket's tail, for a single ticket. */
  ticketTail?: string;
  /** For a single ticket: its tail, the reason or result, and what the client gets. */
  restate?: string;
  justification: string;
  pending: boolean;
  onAnswer: (answers: { confirmation?: string; justification?: string }) => void;
  onCancel: () => void;
}

/**
 * The one dialog before an action: the ticket was acted on before (who, when, which reason),
 * the service is production (type back what is about to be acted on, and say why), or both at
 * once; and a bulk job's summary. A react-hook-form + zod form like every other; the server
 * checks the same answers, so skipping it gains nothing.
 */
export function AskFirstDialog({
  question,
  serviceName,
  cluster,
  action,
  verb = "fail",
  ticketTail,
  restate,
  justification,
  pending,
  onAnswer,
  onCancel,
}: AskFirstDialogProps) {
  const { confirm, previousActions, alreadyActedCount, summary } = question;
  const schema = useMemo(() => answersSchema(confirm), [confirm]);
  const form = useForm<z.input<typeof schema>, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { confirmation: "", justification },
  });
  const errors = form.formState.errors;
  const repeated = previousActions !== undefined || alreadyActedCount !== undefined;
  const done = previousActions?.[0]?.kind === "end" ? "ended" : "failed";
  const Verb = verb === "end" ? "End" : "Fail";
  const title = confirm
    ? `Production: ${serviceName}`
    : alreadyActedCount !== undefined
      ? `${alreadyActedCount} of these tickets ${alreadyActedCount === 1 ? "was" : "were"} already failed`
      : repeated
        ? `This ticket was already ${done}`
        : (summary?.title ?? "Confirm");
  const submit = form.handleSubmit((answers) => onAnswer(confirm ? answers : {}));

  return (
    <ModalDialog
      title={title}
      describedBy="ask-first-text"
      tone={confirm ? "danger" : repeated ? "warning" : "neutral"}
      onCancel={onCancel}
    >
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div id="ask-first-text">
          {summary && !repeated && !confirm && <p>{summary.text}</p>}
          {repeated && (
            <PreviousActions
              previousActions={previousActions}
              alreadyActedCount={alreadyActedCount}
              ticketTail={ticketTail}
              verb={verb}
            />
          )}
          {confirm && (
            <p>
              This {action} takes effect on the production service <strong>{serviceName}</strong>
              {cluster ? (
                <>
                  {" "}
                  at <span className="mono">{cluster}</span>
                </>
              ) : null}
              . To go on, type {confirm.what} (<strong className="mono">{confirm.value}</strong>)
              and say why.
            </p>
          )}
          {restate && <p className="dialog-restate">{restate}</p>}
        </div>
        {confirm && (
          <>
            <Field
              id="ask-first-confirmation"
              label={`Type ${confirm.what}`}
              error={errors.confirmation?.message}
            >
              {(control) => (
                <input
                  {...control}
                  {...form.register("confirmation")}
                  autoComplete="off"
                  spellCheck={false}
                  className="mono"
                  autoFocus
                />
              )}
            </Field>
            <Field
              id="ask-first-justification"
              label="Justification"
              hint="Recorded in the audit log, e.g. an incident number."
              error={errors.justification?.message}
            >
              {(control) => (
                <input {...control} {...form.register("justification")} autoComplete="off" />
              )}
            </Field>
          </>
        )}
        <div className="submit-row">
          <button
            type="submit"
            className={confirm ? "button-danger" : undefined}
            disabled={pending}
            aria-busy={pending}
          >
            {confirm
              ? `${Verb} in production`
              : alreadyActedCount !== undefined
                ? "Start all the same"
                : repeated
                  ? verb === "end"
                    ? "End all the same"
                    : "Fail again"
                  : (summary?.confirmLabel ?? "Go on")}
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={onCancel}
            autoFocus={!confirm}
          >
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/** The answers a question needs: production's typed confirmation and a justification. */
function answersSchema(confirm: AskFirstQuestion["confirm"]) {
  if (!confirm) {
    return z.object({ confirmation: z.string().optional(), justification: z.string().optional() });
  }
  return z.object({
    confirmation: z
      .string()
      .trim()
      .refine((typed) => typed === confirm.value, `Type ${confirm.what} exactly.`),
    justification: z
      .string()
      .trim()
      .min(1, "Say why: production fails need a reason.")
      .superRefine((typed, ctx) => {
        // The API's own rules for a justification, with its messages.
        for (const issue of justificationSchema.safeParse(typed).error?.issues ?? []) {
          ctx.addIssue({ code: "custom", message: issue.message });
        }
      }),
  });
}

/**
 * Authlete answers the same whether or not a ticket still exists (docs/authlete-reference.md
 * §3); only this console's records know it was failed here before.
 */
function PreviousActions({
  previousActions = [],
  alreadyActedCount,
  ticketTail,
  verb,
}: Pick<AskFirstQuestion, "previousActions" | "alreadyActedCount"> & {
  ticketTail?: string;
  verb: "fail" | "end";
}) {
  if (alreadyActedCount !== undefined) {
    return (
      <p>
        {alreadyActedCount === 1
          ? "This console already failed one of the tickets in this list. Authlete deleted it then, so failing it again changes nothing there."
          : `This console already failed ${alreadyActedCount} of the tickets in this list. Authlete deleted them then, so failing them again changes nothing there.`}{" "}
        Start the job all the same?
      </p>
    );
  }
  const [latest] = previousActions;
  const done = latest?.kind === "end" ? "ended" : "failed";
  return (
    <>
      <p>
        This console {done} ticket <span className="mono">…{ticketTail}</span>{" "}
        {previousActions.length === 1 ? "once" : `${previousActions.length} times`} before. The last
        time:
      </p>
      {latest && (
        <dl className="facts">
          <dt>By</dt>
          <dd>{latest.operator}</dd>
          <dt>When</dt>
          <dd>
            <time dateTime={latest.at}>{formatTime(latest.at)}</time>
          </dd>
          <dt>{latest.kind === "end" ? "Result" : "Reason"}</dt>
          <dd className="mono">{latest.reason}</dd>
        </dl>
      )}
      {verb === "fail" ? (
        <p>
          Authlete deleted it then, so failing it again changes nothing there; it only shows what
          the client would receive. Fail it again?
        </p>
      ) : (
        <p>
          Authlete deleted it then: ending it now will most likely answer that it holds no such
          ticket (A186202), and the client is told nothing more. End it all the same?
        </p>
      )}
    </>
  );
}
