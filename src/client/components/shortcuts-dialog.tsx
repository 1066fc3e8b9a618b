import { ModalDialog } from "./modal-dialog";

const SHORTCUTS: [keys: string[], what: string][] = [
  [["/"], "Go to Ticket (on Fail a ticket)"],
  [["Ctrl", "Enter"], "Fail ticket, from any field of the form"],
  [["Esc"], "Close a dialog"],
  [["?"], "Show these shortcuts"],
];

/** The page's keyboard shortcuts, listed (`?`). */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <ModalDialog title="Keyboard shortcuts" onCancel={onClose}>
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
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
