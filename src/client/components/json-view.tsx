/** JSON, pretty-printed and selectable; text that is not JSON is shown as it is. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      <code>{text}</code>
    </pre>
  );
}

/** responseContent is a JSON string: show it parsed and indented when it parses. */
export function prettyJsonString(content: string): string {
  try {
    return JSON.stringify(JSON.parse(content), null, 2);
  } catch {
    return content;
  }
}
