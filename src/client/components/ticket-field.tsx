import type { ClipboardEvent } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import type { ReactNode } from "react";
import { ticketTail } from "../../shared/ask-first";
import { ticketFromPaste } from "../../shared/ticket-paste";
import type { TestTicket } from "../../shared/test-ticket";
import { Field } from "./field";
import { RequestErrorAlert } from "./problem-alert";

interface TicketFieldProps {
  field: UseFormRegisterReturn;
  error: string | undefined;
  /** Puts a ticket found in pasted text into the form. */
  onTicket: (ticket: string) => void;
  /** What the field says below itself: a paste note, or the test ticket just made. */
  note: string;
  onNote: (note: string) => void;
  testTickets: {
    available: boolean;
    pending: boolean;
    create: () => void;
    /** The button's words (default "Create test ticket"), and what goes beside it. */
    label?: string;
    extra?: ReactNode;
    /** Why the last test ticket could not be made: said under the field. */
    error?: Error | null;
    /** Why no test ticket is offered here, said where the button would be. */
    unavailable?: string;
  };
  /** Default: the ticket of /backchannel/authentication, from the AS's logs. */
  hint?: string;
}

/**
 * Tickets come from logs: with spaces around them, inside a log line, or in the JSON answer of
 * /backchannel/authentication. Whatever was pasted, the ticket in it lands in the field.
 */
export function TicketField({
  field,
  error,
  onTicket,
  note,
  onNote,
  testTickets,
  hint = "From the authorization server's logs: the ticket of /backchannel/authentication.",
}: TicketFieldProps) {
  function paste(event: ClipboardEvent<HTMLInputElement>) {
    const pasted = event.clipboardData.getData("text");
    const found = ticketFromPaste(pasted);
    onNote("");
    if (!found || found.ticket === pasted) return;
    event.preventDefault();
    const input = event.currentTarget;
    if (found.ticket === pasted.trim()) {
      input.setRangeText(found.ticket, input.selectionStart ?? 0, input.selectionEnd ?? 0, "end");
      onTicket(input.value);
      return;
    }
    const extras = [
      found.clientId && `client ${found.clientId}`,
      found.hint && `hint “${found.hint}”`,
    ];
    const said = extras.filter(Boolean).join(", ");
    onTicket(found.ticket);
    onNote(
      `Took ticket …${ticketTail(found.ticket)} from the pasted text${said ? ` (${said})` : ""}.`,
    );
  }

  return (
    <>
      <Field
        id="ticket"
        label="Ticket"
        hint={hint}
        error={error}
        action={
          testTickets.available ? (
            <>
              {testTickets.extra}
              <button
                type="button"
                className="button-secondary"
                onClick={testTickets.create}
                disabled={testTickets.pending}
              >
                {testTickets.pending ? "Creating…" : (testTickets.label ?? "Create test ticket")}
              </button>
            </>
          ) : undefined
        }
      >
        {(control) => (
          <input
            {...control}
            {...field}
            onPaste={paste}
            autoComplete="off"
            spellCheck={false}
            className="mono"
          />
        )}
      </Field>
      <p role="status" className="muted test-ticket-status">
        {note || testTickets.unavailable}
      </p>
      <RequestErrorAlert
        error={testTickets.error ?? null}
        title="No test ticket was made"
        compact
      />
    </>
  );
}

export const PRODUCTION_NO_TEST_TICKETS =
  "No test tickets on a production service: they would be real requests of real clients.";

export function testTicketNote(created: TestTicket): string {
  const name = created.clientName ? ` (${created.clientName})` : "";
  if (created.issued) {
    const mode = created.deliveryMode ? `${created.deliveryMode.toLowerCase()} ` : "";
    return `Issued test request for ${mode}client ${created.clientId}${name}: the client holds auth_req_id …${created.authReqIdTail ?? ""}${created.expiresIn ? `, valid ${created.expiresIn} s` : ""}.`;
  }
  return `Test ticket created for client ${created.clientId}${name}, login hint “${created.loginHint}”.`;
}
