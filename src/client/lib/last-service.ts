const KEY = "ciba-fail-console:last-service-id";

/** The service ID the operator used last, so the form opens on it. */
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
