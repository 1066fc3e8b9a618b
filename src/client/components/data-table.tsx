import { useLayoutEffect, useRef } from "react";
import type { ReactNode } from "react";

interface DataTableProps {
  /** Said to screen readers: what the rows are. */
  caption: string;
  columns: readonly string[];
  /** The rows, as <tr> elements. */
  children: ReactNode;
}

/** A table of records that scrolls inside its own box, so a narrow screen never scrolls sideways. */
export function DataTable({ caption, columns, children }: DataTableProps) {
  // Below 600 px each row becomes a card whose cells name their column (CSS reads data-label).
  const body = useRef<HTMLTableSectionElement>(null);
  useLayoutEffect(() => {
    for (const row of body.current?.rows ?? []) {
      [...row.cells].forEach((cell, index) => {
        cell.dataset.label = columns[index] ?? "";
      });
    }
  });
  return (
    // Focusable, so that a keyboard can scroll a wide table sideways too.
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>{children}</tbody>
      </table>
    </div>
  );
}

/** Authlete's answer in one cell: result code · action · HTTP status, whichever are known. */
export function AuthleteAnswerCell(props: {
  resultCode: string | null;
  action: string | null;
  upstreamStatus: number | null;
}) {
  const parts = [props.resultCode, props.action, props.upstreamStatus].filter((p) => p !== null);
  return <td className="mono">{parts.join(" · ")}</td>;
}
