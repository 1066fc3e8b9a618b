import type { AuditEvent } from "../../shared/audit";
import { SELECTION } from "../actions/audit-rows";
import { CHAINED_COLUMNS } from "./chain-link";
import type { ChainedRow } from "./chain-link";
import { PAGE, verifyLinks } from "./verify-chain";
import type { ChainReport, LinkedRow, VerifyOptions } from "./verify-chain";

/** Each chained column's name in an export (the API's): `service_id` is `serviceId`. */
const EXPORTED_NAME = new Map(
  SELECTION.map((entry) => {
    const [column, alias] = entry.split(" as ");
    return [column!, alias ?? column!];
  }),
);

/** An exported record as it was stored: name_verified was 1/0 (it is true/false in exports). */
function storedRow(event: Record<string, unknown>): LinkedRow {
  const row: Record<string, unknown> = {};
  for (const column of CHAINED_COLUMNS) row[column] = event[EXPORTED_NAME.get(column)!] ?? null;
  if (typeof row.name_verified === "boolean") row.name_verified = row.name_verified ? 1 : 0;
  return {
    ...(row as ChainedRow),
    chain_seq: (event.chainSeq as number | null) ?? null,
    chain_hash: (event.chainHash as string | null) ?? null,
  };
}

/**
 * A full JSON export (GET /api/audit/export?format=json with no filter), checked outside the
 * console: the same links and checkpoints as verifyChain, from the file alone. A filtered
 * export leaves records out, so it breaks the chain at the first one missing; it cannot be
 * verified, and says so in its name and headers.
 */
export function verifyExport(
  events: Pick<AuditEvent, "chainSeq">[],
  options: VerifyOptions,
): Promise<ChainReport> {
  const rows = events
    .filter((event) => event.chainSeq !== null)
    .map((event) => storedRow(event))
    .sort((a, b) => a.chain_seq! - b.chain_seq!);
  let index = 0;
  const pageAfter = (seq: number) => {
    while (index < rows.length && rows[index]!.chain_seq! <= seq) index += 1;
    return Promise.resolve(rows.slice(index, index + PAGE));
  };
  const unsealed = events.length - rows.length;
  return verifyLinks(pageAfter, unsealed, options);
}
