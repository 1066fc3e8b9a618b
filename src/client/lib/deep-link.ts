import { FAIL_REASONS } from "../../shared/reasons";
import type { FailReason } from "../../shared/reasons";

export interface FormPrefill {
  serviceId?: string;
  ticket?: string;
  reason?: FailReason;
}

let taken: FormPrefill | undefined;

/**
 * What `/?serviceId=…&ticket=…&reason=…` asks the form to hold. Read once per page load, then
 * taken out of the address bar; it fills the form and never submits it.
 */
export function takeDeepLink(): FormPrefill {
  if (taken) return taken;
  const url = new URL(window.location.href);
  const get = (name: string) => url.searchParams.get(name)?.trim() || undefined;
  const reason = get("reason")?.toUpperCase();
  taken = {
    serviceId: get("serviceId"),
    ticket: get("ticket"),
    reason: FAIL_REASONS.find((known) => known === reason),
  };
  if (url.search) window.history.replaceState(null, "", url.pathname);
  return taken;
}
