import type { parseTicketList } from "../../../shared/ticket-list";

/** What the pasted list holds: tickets ready, and each line left out with why. */
export function TicketListPreview({
  id,
  list,
}: {
  id: string;
  list: ReturnType<typeof parseTicketList>;
}) {
  const rejected = [...list.invalid, ...list.duplicates].sort((a, b) => a.line - b.line);
  return (
    <div id={id} className="bulk-preview" aria-live="polite">
      <p>
        <strong>{list.tickets.length}</strong> ticket{list.tickets.length === 1 ? "" : "s"} ready
        {list.duplicates.length > 0 &&
          `, ${list.duplicates.length} duplicate${list.duplicates.length === 1 ? "" : "s"} removed`}
        {list.invalid.length > 0 &&
          `, ${list.invalid.length} invalid line${list.invalid.length === 1 ? "" : "s"} (not sent)`}
        .
      </p>
      {rejected.length > 0 && (
        <details open={rejected.length <= 10}>
          <summary>Lines left out</summary>
          <ul className="rejected-lines">
            {rejected.slice(0, 200).map((line) => (
              <li key={line.line}>
                Line {line.line}: <span className="mono">{line.text}</span> — {line.why}
              </li>
            ))}
            {rejected.length > 200 && <li>…and {rejected.length - 200} more.</li>}
          </ul>
        </details>
      )}
    </div>
  );
}
