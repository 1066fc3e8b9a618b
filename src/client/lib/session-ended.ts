import { useSyncExternalStore } from "react";
import type { Problem } from "../../shared/problem";

export type SessionEnd = NonNullable<Problem["sessionEnded"]>;

/**
 * The page's knowledge of its session beyond "who": whether the server said it ended (and
 * why), and when the page last talked to the server (the server's idle clock runs from then).
 * A session that ends is not a sign-out: the page stays, with what was typed, under a dialog.
 */
let ended: SessionEnd | null = null;
let lastActivityMs = Date.now();
const listeners = new Set<() => void>();

export function noteActivity(): void {
  lastActivityMs = Date.now();
}

export function lastActivity(): number {
  return lastActivityMs;
}

export function sessionEnded(reason: SessionEnd): void {
  ended = reason;
  for (const listener of listeners) listener();
}

export function sessionResumed(): void {
  ended = null;
  noteActivity();
  for (const listener of listeners) listener();
}

export function useSessionEnded(): SessionEnd | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => ended,
    // Drawn in a first frame (first-frame.tsx): a session that is being drawn has not ended.
    () => null,
  );
}
