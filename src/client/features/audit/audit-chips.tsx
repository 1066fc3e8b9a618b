import { ticketTail } from "../../../shared/ask-first";
import type { AuditFilters } from "../../../shared/audit";
import { formatTime } from "../../lib/format";
import { FILTER_LABELS } from "./audit-filters";

/** The filters in force, each removable: what the records below are, at a glance. */
export function AuditChips({
  filters,
  onRemove,
}: {
  filters: AuditFilters;
  onRemove: (name: keyof AuditFilters) => void;
}) {
  const active = (Object.entries(filters) as [keyof AuditFilters, string | undefined][]).filter(
    ([, value]) => value !== undefined && value !== "",
  );
  if (active.length === 0) return <p className="muted">All records, newest first.</p>;
  return (
    <ul className="chips" aria-label="Filters in force">
      {active.map(([name, value]) => {
        const shown =
          name === "from" || name === "to"
            ? formatTime(value!)
            : name === "ticket"
              ? `…${ticketTail(value!)}`
              : value;
        return (
          <li key={name} className="chip">
            {FILTER_LABELS[name]}: <span className="mono">{shown}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove the filter ${FILTER_LABELS[name]}`}
              onClick={() => onRemove(name)}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
