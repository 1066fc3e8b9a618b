import { FAIL_REASONS } from "../../shared/reasons";
import type { FailReason } from "../../shared/reasons";
import { END_RESULTS } from "../../shared/end-request";
import type { EndResult } from "../../shared/end-request";

export interface FormPrefill {
  serviceId?: string;
  ticket?: string;
  reason?: FailReason;
  /** End issued request's result (/end?…&result=…). */
  result?: EndResult;
}

let taken: FormPrefill | undefined;

/**
 * What `/?serviceId=…&ticket=…&reason=…` (or `/end?…&result=…`) asks the form to hold. Read once per page load, then
 * taken out of the address bar; it fills the form and never submits it.
 */
export function takeDeepLink(): FormPrefill {
  if (taken) return taken;
  // The first frame is drawn only for `/` without a query: there is no link to read.
  if (typeof window === "undefined") return {};
  const url = new URL(window.location.href);
  const get = (name: string) => url.searchParams.get(name)?.trim() || undefined;
  const reason = get("reason")?.toUpperCase();
  taken = {
    serviceId: get("serviceId"),
    ticket: get("ticket"),
    reason: FAIL_REASONS.find((known) => known === reason),
    result: END_RESULTS.find((known) => known === get("result")?.toUpperCase()),
  };
  if (url.search) window.history.replaceState(null, "", url.pathname);
  return taken;
}
