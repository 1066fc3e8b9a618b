import type { ReactNode } from "react";

export interface FieldControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
}

interface FieldProps {
  id: string;
  label: string;
  /** Shown under the label, e.g. "optional" or a format hint. */
  hint?: string;
  error?: string | undefined;
  /** Ids of more text that describes the control (e.g. the chosen reason's details). */
  describedBy?: string;
  children: (control: FieldControlProps) => ReactNode;
  /** Beside the control, e.g. a button that fills it. */
  action?: ReactNode;
}

/** A visible label, the control, and its error in place, wired for screen readers. */
export function Field({ id, label, hint, error, describedBy, children, action }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const described = [hintId, describedBy, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      <div className="field-row">
        {children({ id, "aria-invalid": Boolean(error), "aria-describedby": described })}
        {action}
      </div>
      {/* The error's line is reserved, so an error appearing on blur does not move the
          button the pointer is on its way to. */}
      <p id={errorId} className="field-error">
        {error}
      </p>
    </div>
  );
}
