import { zxcvbn, zxcvbnOptions } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { translations } from "@zxcvbn-ts/language-en";

/**
 * Which access codes are too easy to guess (issue 19, item 16): zxcvbn-ts, a maintained port of
 * Dropbox's estimator, with its common-password and keyboard lists, rather than a list typed
 * here; and long runs of one character, which its pattern matching scores low anyway.
 */
// English feedback ("This is similar to a commonly used password."), not its keys; the word
// lists stay the language-neutral common ones.
zxcvbnOptions.setOptions({ dictionary, graphs: adjacencyGraphs, translations });

export const MIN_CODE_LENGTH = 12;
/** zxcvbn's score 3: "safely unguessable", about 10^8 guesses and up. */
const MIN_SCORE = 3;

/** Why this code may not be used, or undefined when it may. The code is trimmed first. */
export function weakCodeReason(rawCode: string): string | undefined {
  const code = rawCode.trim();
  if (code.length < MIN_CODE_LENGTH) return `must be at least ${MIN_CODE_LENGTH} characters`;
  if (/(.)\1{5,}/u.test(code)) return "has a long run of one character";
  const { score, feedback } = zxcvbn(code);
  if (score < MIN_SCORE) {
    const hint = feedback.warning
      ? ` (${feedback.warning.replace(/\.$/, "").replace(/^./, (first) => first.toLowerCase())})`
      : "";
    return `is too easy to guess${hint}: use a longer, less common code`;
  }
  return undefined;
}
