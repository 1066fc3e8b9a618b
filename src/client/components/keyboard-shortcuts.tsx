import { useEffect, useState } from "react";
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

/** `?` lists the shortcuts (not while typing in a field). The fail form handles its own `/`. */
export function KeyboardShortcuts() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) return;
      if (event.key === "?") {
        event.preventDefault();
        setOpen(true);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
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
