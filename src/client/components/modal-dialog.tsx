import { useEffect, useRef } from "react";
import type { ReactNode } from "react";

interface ModalDialogProps {
  title: string;
  /** Id of the text that explains the question, for screen readers. */
  describedBy?: string;
  tone?: "neutral" | "warning" | "danger";
  onCancel: () => void;
  children: ReactNode;
}

/**
 * A native modal <dialog>: focus stays inside, the page behind is inert, Esc cancels.
 * Open while mounted; the caller unmounts it to close.
 */
export function ModalDialog({
  title,
  describedBy,
  tone = "warning",
  onCancel,
  children,
}: ModalDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = `${idFrom(title)}-title`;
  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className={`dialog dialog-${tone}`}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** An element ID made from the title, so the dialog is named by its heading. */
function idFrom(text: string): string {
  return `dialog-${text.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}
