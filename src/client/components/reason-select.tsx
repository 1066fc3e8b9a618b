import type { UseFormRegisterReturn } from "react-hook-form";
import { FAIL_REASONS } from "../../shared/reasons";
import { Field } from "./field";

interface ReasonSelectProps {
  id: string;
  field: UseFormRegisterReturn;
  error: string | undefined;
  hint?: string;
  /** Ids of more text that describes the choice (the reason's details). */
  describedBy?: string;
}

/** The nine reasons of /backchannel/authentication/fail, in the API's own spelling. */
export function ReasonSelect({ id, field, error, hint, describedBy }: ReasonSelectProps) {
  return (
    <Field id={id} label="Reason" hint={hint} error={error} describedBy={describedBy}>
      {(control) => (
        <select {...control} {...field}>
          <option value="">Choose a reason…</option>
          {FAIL_REASONS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
