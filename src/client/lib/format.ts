const TIME_FORMAT = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});

/** A stored instant (ISO 8601) in the reader's own time zone. */
export function formatTime(instant: string): string {
  return TIME_FORMAT.format(new Date(instant));
}
