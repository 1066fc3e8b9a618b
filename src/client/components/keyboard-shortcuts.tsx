import { Suspense, lazy, useCallback, useEffect, useState } from "react";

function typingInField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

/**
 * A one-key shortcut for the whole page while the calling component is shown; never while
 * typing in a field or with a modifier held.
 */
export function usePageShortcut(key: string, action: () => void): void {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key !== key || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typingInField(event.target)) return;
      event.preventDefault();
      action();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [key, action]);
}

// The list itself is fetched when first asked for.
const ShortcutsDialog = lazy(() =>
  import("./shortcuts-dialog").then((m) => ({ default: m.ShortcutsDialog })),
);

/** `?` lists the shortcuts. The fail form declares its own `/` (focus Ticket). */
export function KeyboardShortcuts() {
  const [open, setOpen] = useState(false);
  usePageShortcut(
    "?",
    useCallback(() => setOpen(true), []),
  );
  if (!open) return null;
  return (
    <Suspense fallback={null}>
      <ShortcutsDialog onClose={() => setOpen(false)} />
    </Suspense>
  );
}
