// Made on first use, not when the module loads: building an Intl formatter costs tens of
// milliseconds, and the pages that import this are fetched while the fail form first renders.
let timeFormat: Intl.DateTimeFormat | undefined;

/** A stored instant (ISO 8601) in the reader's own time zone. */
export function formatTime(instant: string): string {
  timeFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
  return timeFormat.format(new Date(instant));
}
