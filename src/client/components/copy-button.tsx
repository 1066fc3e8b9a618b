import { useState } from "react";

interface CopyButtonProps {
  label: string;
  /** The text, or a function that makes it on click (undefined: nothing to copy, say why there). */
  text: string | (() => string | undefined);
}

/** Copies text to the clipboard and says so, also to screen readers. */
export function CopyButton({ text, label }: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    const value = typeof text === "function" ? text() : text;
    if (value === undefined) return;
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2000);
  }
  return (
    <span className="copy">
      <button type="button" className="button-secondary" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {state === "copied"
          ? "Copied"
          : state === "failed"
            ? "Copy failed: select the text instead"
            : ""}
      </span>
    </span>
  );
}
