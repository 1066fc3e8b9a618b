import type { UseFormRegisterReturn } from "react-hook-form";
import { Field } from "./field";

interface ErrorDetailsFieldsProps {
  idPrefix: string;
  description: UseFormRegisterReturn;
  uri: UseFormRegisterReturn;
  errors: { description?: string | undefined; uri?: string | undefined };
  /** Hints for the two fields, when the form says more than the default. */
  hints?: { description?: string; uri?: string };
}

/** error_description and error_uri, as every form that fails tickets asks for them. */
export function ErrorDetailsFields({
  idPrefix,
  description,
  uri,
  errors,
  hints,
}: ErrorDetailsFieldsProps) {
  return (
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
}
