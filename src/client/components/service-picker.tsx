import { useId, useRef, useState } from "react";
import type { ChangeEvent, KeyboardEvent } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import type { ServiceSummary } from "../../shared/console-info";
import { Field } from "./field";

interface ServicePickerProps {
  id: string;
  /** The form's registration of its service-ID field. */
  field: UseFormRegisterReturn;
  /** A service chosen from the list: the form sets its service ID to it. */
  onPick: (serviceId: string) => void;
  error: string | undefined;
  /** The services the console knows ([] while loading or when they could not be loaded). */
  services: ServiceSummary[];
  /** The service the typed ID names, when it is one of `services`. */
  chosen: ServiceSummary | undefined;
  hint?: string;
}

/** An Organization Token may see hundreds of services: the list shows this many at a time. */
const SHOWN_AT_MOST = 50;

/** "Payments (staging) · staging · 1000000002": what the list shows and what typing searches. */
export function serviceLabel(service: ServiceSummary): string {
  return [service.name, service.environment, service.serviceId].filter(Boolean).join(" · ");
}

/**
 * The service-ID input of every form: an editable combobox (the WAI-ARIA pattern with list
 * autocomplete). Typing a name, an environment or digits narrows the console's services;
 * choosing one sets the ID. An ID no list knows can still be typed and sent.
 */
export function ServicePicker(props: ServicePickerProps) {
  const { id, field, onPick, error, services, chosen, hint } = props;
  const listId = `${id}-services`;
  const optionId = useId();
  const input = useRef<HTMLInputElement | null>(null);
  const [open, setOpen] = useState(false);
  // What the person typed since opening the list; empty shows every service.
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(-1);

  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matching = services.filter((service) => {
    const label = serviceLabel(service).toLowerCase();
    return words.every((word) => label.includes(word));
  });
  const shown = matching.slice(0, SHOWN_AT_MOST);
  const expanded = open && services.length > 0;

  function openList(withQuery: string) {
    setQuery(withQuery);
    setActive(-1);
    setOpen(true);
  }
  function pick(service: ServiceSummary) {
    onPick(service.serviceId);
    setOpen(false);
    input.current?.focus();
  }
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!expanded) return openList("");
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current) => (current + step + shown.length) % Math.max(shown.length, 1));
    } else if (event.key === "Enter" && expanded && shown[active] && !event.ctrlKey) {
      event.preventDefault();
      pick(shown[active]);
    } else if (event.key === "Escape" && expanded) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  }

  const toggle = services.length > 0 && (
    <button
      type="button"
      className="button-secondary combobox-toggle"
      tabIndex={-1}
      aria-label={expanded ? "Hide the services" : "Show the services"}
      aria-controls={listId}
      aria-expanded={expanded}
      onClick={() => {
        if (expanded) setOpen(false);
        else openList("");
        input.current?.focus();
      }}
    >
      ▾
    </button>
  );
  return (
    <>
      <Field
        id={id}
        label="Service"
        hint={hint ?? (services.length > 0 ? "Type a name, an environment or the ID." : undefined)}
        error={error}
        action={toggle}
      >
        {(control) => (
          <div className="combobox">
            <input
              {...control}
              {...field}
              ref={(element) => {
                field.ref(element);
                input.current = element;
              }}
              role={services.length > 0 ? "combobox" : undefined}
              aria-autocomplete={services.length > 0 ? "list" : undefined}
              aria-expanded={services.length > 0 ? expanded : undefined}
              aria-controls={services.length > 0 ? listId : undefined}
              aria-activedescendant={
                expanded && shown[active] ? `${optionId}-${active}` : undefined
              }
              autoComplete="off"
              spellCheck={false}
              onChange={(event: ChangeEvent<HTMLInputElement>) => {
                void field.onChange(event);
                openList(event.target.value);
              }}
              onBlur={(event) => {
                setOpen(false);
                void field.onBlur(event);
              }}
              onKeyDown={onKeyDown}
            />
            <ul id={listId} role="listbox" aria-label="Services" hidden={!expanded}>
              {shown.map((service, index) => (
                <li
                  key={service.serviceId}
                  id={`${optionId}-${index}`}
                  role="option"
                  aria-selected={index === active}
                  className={service.environment === "production" ? "option-production" : undefined}
                  // Before the input's blur, so the click lands.
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => pick(service)}
                >
                  {serviceLabel(service)}
                </li>
              ))}
              {shown.length === 0 && (
                <li role="presentation" className="muted">
                  No service matches: the typed ID is sent as it is.
                </li>
              )}
              {matching.length > shown.length && (
                <li role="presentation" className="muted">
                  {matching.length - shown.length} more: type to narrow.
                </li>
              )}
            </ul>
          </div>
        )}
      </Field>
      <p className="service-name" aria-live="polite">
        {chosen?.name && (
          <>
            Service: {chosen.name}
            {chosen.environment && (
              <span className={`env-badge env-${chosen.environment}`}>{chosen.environment}</span>
            )}
            <span className="mono"> · {chosen.serviceId}</span>
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
