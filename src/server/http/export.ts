import type { Context } from "hono";
import { stream } from "hono/streaming";
import { csvRecord } from "./csv";

export const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Rows read per query while an export streams; other requests run between chunks. */
export const EXPORT_CHUNK = 500;

/**
 * A download of rows as CSV (a header line, then one record a row) or a JSON array, written a
 * chunk at a time: `nextRows` answers the next chunk, and an empty one when there is no more.
 */
export function streamExport<Row extends Record<string, string | number | boolean | null>>(
  c: Context,
  options: {
    format: ExportFormat;
    filename: string;
    columns: readonly (keyof Row & string)[];
    nextRows: () => Promise<Row[]>;
  },
): Response {
  const { format, columns, nextRows } = options;
  c.header(
    "Content-Type",
    format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
  );
  c.header("Content-Disposition", `attachment; filename="${options.filename}.${format}"`);
  return stream(c, async (out) => {
    await out.write(format === "csv" ? csvRecord(columns) : "[");
    let first = true;
    for (let rows = await nextRows(); rows.length > 0; rows = await nextRows()) {
      let chunk = "";
      for (const row of rows) {
        if (format === "csv") {
          chunk += csvRecord(columns.map((column) => row[column]));
        } else {
          chunk += `${first ? "\n" : ",\n"}${JSON.stringify(row)}`;
          first = false;
        }
      }
      await out.write(chunk);
    }
    if (format === "json") await out.write("\n]\n");
  });
}
