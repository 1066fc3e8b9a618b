import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import type { ServiceSummary } from "../../shared/console-info";
import { consoleConfigQuery, servicesQuery } from "./console-queries";

const KEY = "ciba-fail-console:last-service-id";

/** The service ID the person used last, on any form, so that every form opens on it. */
export function readLastServiceId(): string {
  try {
    return localStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

export function rememberServiceId(serviceId: string): void {
  try {
    localStorage.setItem(KEY, serviceId);
  } catch {
    // Private mode or storage disabled: remembering is a convenience only.
  }
}

/**
 * The service a form opens on: the last used, else the only one listed, else on the embedded
 * simulator its first (the demo service). Never a production service: that is always a choice.
 */
export function serviceToPreselect(
  services: ServiceSummary[],
  lastUsed: string,
  simulated: boolean,
): string | undefined {
  const allowed = services.filter((service) => service.environment !== "production");
  const last = allowed.find((service) => service.serviceId === lastUsed);
  if (last) return last.serviceId;
  if (services.length === 1 && allowed.length === 1) return allowed[0]!.serviceId;
  if (simulated) return allowed[0]?.serviceId;
  return undefined;
}

/**
 * Fills an empty service field once the services are known (the form is usable before they
 * arrive). When they cannot be listed, the last used ID is put back as typed before.
 */
export function usePreselectedService(current: () => string, set: (serviceId: string) => void) {
  const services = useQuery(servicesQuery);
  const config = useQuery(consoleConfigQuery);
  const simulated = config.data?.target.simulated;
  useEffect(() => {
    if (current() !== "") return;
    if (services.isError) {
      const last = readLastServiceId();
      if (last) set(last);
      return;
    }
    if (!services.data || simulated === undefined) return;
    const chosen = serviceToPreselect(services.data, readLastServiceId(), simulated);
    if (chosen) set(chosen);
    // Once per arrival of the list: a person's own choice afterwards is never overwritten.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [services.data, services.isError, simulated]);
}

/**
 * The list can arrive while the person is in the empty field, about to type: the value put
 * there is then selected, so that what they type replaces it instead of landing beside it
 * ("10000000021000000002"). The first frame's takeover does the same (early-input.ts).
 */
function selectIfTypingIn(name: string): void {
  const focused = document.activeElement;
  if (focused instanceof HTMLInputElement && focused.name === name) focused.select();
}

/**
 * The service field of a form, as every form wires it: preselected once the list arrives, and
 * set (validated, as if typed) when a service is picked from the list.
 */
export function useServiceField(form: {
  getValues: (name: "serviceId") => string;
  setValue: (
    name: "serviceId",
    value: string,
    options?: { shouldDirty?: boolean; shouldTouch?: boolean; shouldValidate?: boolean },
  ) => void;
}) {
  const { getValues, setValue } = form;
  usePreselectedService(
    () => getValues("serviceId"),
    (serviceId) => {
      setValue("serviceId", serviceId);
      selectIfTypingIn("serviceId");
    },
  );
  return (serviceId: string) =>
    setValue("serviceId", serviceId, {
      shouldDirty: true,
      shouldTouch: true,
      shouldValidate: true,
    });
}
