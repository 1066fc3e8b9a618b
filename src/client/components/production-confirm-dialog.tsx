import { useState } from "react";
import type { FormEvent } from "react";
import { justificationSchema } from "../../shared/fail-request";
import { isProblem } from "../lib/api-client";
import { ModalDialog } from "./modal-dialog";
import { Field } from "./field";

/**
 * The server refused an unconfirmed request to a production service the page did not know was
 * production (its services list failed or is stale): open this dialog instead of an error.
 */
export function serverAsksToConfirm(error: unknown, sent: { confirmation?: string }): boolean {
  return isProblem(error, "confirmation-required") && !sent.confirmation;
}

interface ProductionConfirmDialogProps {
  serviceName: string;
  cluster: string | null;
  /** What the operator must type back: the ticket's last 6 characters (or a job's count). */
  expected: string;
  /** What `expected` is, for the label: "the last 6 characters of the ticket". */
  expectedWhat: string;
  action: string;
  justification: string;
  onConfirm: (confirmation: string, justification: string) => void;
  onCancel: () => void;
}

/**
 * The stop before a production fail: type back what is about to be failed and say why. The
 * server checks the same two things, so skipping this dialog gains nothing.
 */
export function ProductionConfirmDialog({
  serviceName,
  cluster,
  expected,
  expectedWhat,
  action,
  justification: initialJustification,
  onConfirm,
  onCancel,
}: ProductionConfirmDialogProps) {
  const [typed, setTyped] = useState("");
  const [justification, setJustification] = useState(initialJustification);
  const [errors, setErrors] = useState<{ typed?: string; justification?: string }>({});

  function confirm(event: FormEvent) {
    event.preventDefault();
    const next: typeof errors = {};
    if (typed.trim() !== expected) next.typed = `Type ${expectedWhat} exactly.`;
    const checked = justificationSchema.safeParse(justification);
    if (!justification.trim()) next.justification = "Say why: production fails need a reason.";
    else if (!checked.success) next.justification = checked.error.issues[0]?.message;
    setErrors(next);
    if (!next.typed && !next.justification) onConfirm(typed.trim(), justification.trim());
  }

  return (
    <ModalDialog
      title={`Production: ${serviceName}`}
      describedBy="production-confirm-text"
      tone="danger"
      onCancel={onCancel}
    >
      <form onSubmit={confirm} noValidate>
        <p id="production-confirm-text">
          This {action} takes effect on the production service <strong>{serviceName}</strong>
          {cluster ? (
            <>
              {" "}
              at <span className="mono">{cluster}</span>
            </>
          ) : null}
          . To go on, type {expectedWhat} (<strong className="mono">{expected}</strong>) and say
          why.
        </p>
        <Field id="production-confirmation" label={`Type ${expectedWhat}`} error={errors.typed}>
          {(control) => (
            <input
              {...control}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              className="mono"
              autoFocus
            />
          )}
        </Field>
        <Field
          id="production-justification"
          label="Justification"
          hint="Recorded in the audit log, e.g. an incident number."
          error={errors.justification}
        >
          {(control) => (
            <input
              {...control}
              value={justification}
              onChange={(event) => setJustification(event.target.value)}
              autoComplete="off"
            />
          )}
        </Field>
        <div className="submit-row">
          <button type="submit" className="button-danger">
            Fail in production
          </button>
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
