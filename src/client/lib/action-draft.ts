import { takeDeepLink } from "./deep-link";
import type { FormPrefill } from "./deep-link";

let handed: FormPrefill | undefined;

/**
 * Switching between Fail ticket and End issued request keeps the service and the ticket: the
 * form being left hands them to the next one, in memory only (a ticket is never stored).
 */
export function handOff(prefill: FormPrefill): void {
  handed = prefill;
}

/** What a form starts with: what the other form handed over, else the page's deep link. */
export function takePrefill(): FormPrefill {
  const prefill = handed;
  handed = undefined;
  return prefill ?? takeDeepLink();
}
