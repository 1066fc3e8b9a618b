import type { UseFormRegisterReturn } from "react-hook-form";
import type { ServiceSummary } from "../../shared/console-info";
import { Field } from "./field";

interface ServicePickerProps {
  id: string;
  /** The form's registration of its service-ID field. */
  field: UseFormRegisterReturn;
  error: string | undefined;
  /** The services the console knows, as suggestions ([] when they could not be loaded). */
  services: ServiceSummary[];
  /** The service the typed ID names, when it is one of `services`. */
  chosen: ServiceSummary | undefined;
  hint?: string;
}

/**
 * The service-ID input of every form: typed, or picked from the console's services, with the
 * chosen service's name, environment and cluster said beside it.
 */
export function ServicePicker({ id, field, error, services, chosen, hint }: ServicePickerProps) {
  const listId = `${id}-suggestions`;
  return (
    <>
      <Field id={id} label="Service ID" hint={hint} error={error}>
        {(control) => (
          <input
            {...control}
            {...field}
            list={listId}
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <datalist id={listId}>
        {services.map((known) => (
          <option key={known.serviceId} value={known.serviceId}>
            {[known.name, known.environment, known.cluster].filter(Boolean).join(" · ")}
          </option>
        ))}
      </datalist>
      <p className="service-name" aria-live="polite">
        {chosen?.name && (
          <>
            Service: {chosen.name}
            {chosen.environment && (
              <span className={`env-badge env-${chosen.environment}`}>{chosen.environment}</span>
            )}
            {chosen.cluster && <span className="mono"> · {chosen.cluster}</span>}
          </>
        )}
      </p>
    </>
  );
}

/** The known service a typed ID names. */
export function serviceNamed(services: ServiceSummary[], serviceId: string | undefined) {
  return services.find((known) => known.serviceId === serviceId?.trim());
}
