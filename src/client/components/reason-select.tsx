import type { UseFormRegisterReturn } from "react-hook-form";
import { FAIL_REASONS, USUAL_REASONS, reasonLabel } from "../../shared/reasons";
import type { FailReason } from "../../shared/reasons";
import { Field } from "./field";

interface ReasonSelectProps {
  id: string;
  field: UseFormRegisterReturn;
  error: string | undefined;
  hint?: string;
  /** Ids of more text that describes the choice (the reason's details). */
  describedBy?: string;
}

const OTHER_REASONS = FAIL_REASONS.filter(
  (name) => !(USUAL_REASONS as readonly FailReason[]).includes(name),
);

/**
 * The nine reasons of /backchannel/authentication/fail, in the API's own spelling, each with
 * its meaning and the status the client gets; the usual choices for a stuck ticket first.
 */
export function ReasonSelect({ id, field, error, hint, describedBy }: ReasonSelectProps) {
  return (
    <Field id={id} label="Reason" hint={hint} error={error} describedBy={describedBy}>
      {(control) => (
        <select {...control} {...field}>
          <option value="">Choose a reason…</option>
          <optgroup label="Usual for stuck tickets">
            {USUAL_REASONS.map((name) => (
              <option key={name} value={name}>
                {reasonLabel(name)}
              </option>
            ))}
          </optgroup>
          <optgroup label="About what the client sent">
            {OTHER_REASONS.map((name) => (
              <option key={name} value={name}>
                {reasonLabel(name)}
              </option>
            ))}
          </optgroup>
        </select>
      )}
    </Field>
  );
}
