/**
 * Text people read as a name or a reason must show something: no control characters and no
 * invisible format or bidi controls (\p{Cf}: a lone zero-width space, a right-to-left override).
 */
export const VISIBLE_TEXT = /^[^\p{Cc}\p{Cf}]*$/u;

/** The same text without the characters VISIBLE_TEXT refuses (for text taken from others). */
export function visibleText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, "");
}

/** Control characters (NUL among them, which PostgreSQL text refuses). */
export const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/** Text as the audit trail stores it: control characters removed, in this one place. */
export function storableText(text: string): string {
  return text.replace(/\p{Cc}/gu, "");
}
