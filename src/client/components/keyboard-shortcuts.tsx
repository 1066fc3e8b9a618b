import { useCallback, useEffect, useState } from "react";
import { ModalDialog } from "./modal-dialog";

const SHORTCUTS: [keys: string[], what: string][] = [
  [["/"], "Go to Ticket (on Fail a ticket)"],
  [["Ctrl", "Enter"], "Fail ticket, from any field of the form"],
  [["Esc"], "Close a dialog"],
  [["?"], "Show these shortcuts"],
];

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

/** `?` lists the shortcuts. The fail form declares its own `/` (focus Ticket). */
export function KeyboardShortcuts() {
  const [open, setOpen] = useState(false);
  usePageShortcut(
    "?",
    useCallback(() => setOpen(true), []),
  );
  if (!open) return null;
  return (
    <ModalDialog title="Keyboard shortcuts" onCancel={() => setOpen(false)}>
      <dl className="facts shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what} className="shortcut-row">
            <dt>
              {keys.map((key, index) => (
                <span key={key}>
                  {index > 0 && "+"}
                  <kbd>{key}</kbd>
                </span>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <div className="submit-row">
        <button type="button" onClick={() => setOpen(false)} autoFocus>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
