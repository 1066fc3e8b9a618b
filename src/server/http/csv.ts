/**
 * CSV as RFC 4180 reads it: every field quoted, quotes doubled, CRLF between records. Text a
 * person typed (a name, a justification) could start with = + - @ and run as a formula when the
 * file is opened in a spreadsheet, so such cells get a leading apostrophe (OWASP: CSV injection).
 * Spreadsheets also take the full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20) as those.
 */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '""';
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}
