import { auditFiltersSchema } from "../../../shared/audit";
import type { AuditFilters } from "../../../shared/audit";
import { ticketTail } from "../../../shared/ask-first";
import { TICKET_TAIL_LENGTH } from "../../../shared/ask-first";

/**
 * The audit log's filters live in the address, so that a view can be shared. A whole ticket
 * never goes there: the address holds its tail, and the page keeps the whole ticket in memory
 * for as long as the tail it shows is that ticket's.
 */
export function filtersFromSearch(search: string, exactTicket: string | undefined): AuditFilters {
  const raw = Object.fromEntries(new URLSearchParams(search));
  const parsed = auditFiltersSchema.safeParse(raw);
  // A hand-edited address with a bad value: its good filters still apply.
  const filters: AuditFilters = parsed.success ? parsed.data : keepValid(raw);
  if (exactTicket && filters.ticket === ticketTail(exactTicket)) {
    return { ...filters, ticket: exactTicket };
  }
  return filters;
}

function keepValid(raw: Record<string, string>): AuditFilters {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (auditFiltersSchema.safeParse({ [name]: value }).success) kept[name] = value;
  }
  return auditFiltersSchema.parse(kept);
}

export function searchOf(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === "") continue;
    const shown =
      name === "ticket" && value.length > TICKET_TAIL_LENGTH ? ticketTail(value) : value;
    params.set(name, shown);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The datetime-local value of an instant, in the reader's own time zone. */
export function localInputValue(instant: string | undefined): string {
  if (!instant) return "";
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return "";
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
