import { useState } from "react";
import type { ReactNode } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { Field } from "./field";

interface ErrorDetailsFieldsProps {
  idPrefix: string;
  description: UseFormRegisterReturn;
  uri: UseFormRegisterReturn;
  errors: { description?: string | undefined; uri?: string | undefined };
  /** Hints for the two fields, when the form says more than the default. */
  hints?: { description?: string; uri?: string };
  /**
   * Folded under "More" (the single forms: most fails need neither), opening by itself when
   * either field holds something or has an error. Undefined: always shown.
   */
  folded?: { filled: boolean };
}

/** error_description and error_uri, as every form that fails tickets asks for them. */
export function ErrorDetailsFields({
  idPrefix,
  description,
  uri,
  errors,
  hints,
  folded,
}: ErrorDetailsFieldsProps) {
  const fields = (
    <>
      <Field
        id={`${idPrefix}error-description`}
        label="Error description"
        hint={
          hints?.description ??
          'Optional. Sent to the client as error_description; printable ASCII without " or \\.'
        }
        error={errors.description}
      >
        {(control) => <textarea {...control} {...description} rows={2} />}
      </Field>
      <Field
        id={`${idPrefix}error-uri`}
        label="Error URI"
        hint={hints?.uri ?? "Optional. Sent as error_uri: an absolute https:// or http:// URI."}
        error={errors.uri}
      >
        {(control) => (
          <input {...control} {...uri} type="url" autoComplete="off" spellCheck={false} />
        )}
      </Field>
    </>
  );
  if (!folded) return fields;
  return (
    <MoreFields opens={folded.filled || Boolean(errors.description || errors.uri)}>
      {fields}
    </MoreFields>
  );
}

function MoreFields({ opens, children }: { opens: boolean; children: ReactNode }) {
  const [open, setOpen] = useState(opens);
  // Opens when something comes to need it (a value filled in, an error), during render as
  // React recommends for state that follows a prop; the person may fold it again.
  const [opened, setOpened] = useState(opens);
  if (opens !== opened) {
    setOpened(opens);
    if (opens) setOpen(true);
  }
  return (
    <details
      className="more-fields"
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>More: error description and URI</summary>
      {children}
    </details>
  );
}
