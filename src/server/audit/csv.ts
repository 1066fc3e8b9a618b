/**
 * CSV as RFC 4180 reads it: every field quoted, quotes doubled, CRLF between records. Text a
 * person typed (a name, a justification) could start with = + - @ and run as a formula when the
 * file is opened in a spreadsheet, so such cells get a leading apostrophe (OWASP: CSV injection).
 */
export function csvRecord(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '""';
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}
