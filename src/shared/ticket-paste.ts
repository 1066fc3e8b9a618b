import { ticketSchema } from "./fail-request";

/** What a pasted log line or JSON answer told us, beside the ticket. */
export interface PastedTicket {
  ticket: string;
  clientId?: string;
  hint?: string;
}

const TICKET_CHARS = "[A-Za-z0-9\\-_.~]{8,256}";
// ticket=…, ticket: …, "ticket":"…", ticket="…" — as authorization servers log it.
const LOGGED = new RegExp(`\\bticket["']?\\s*[:=]\\s*["']?(${TICKET_CHARS})`, "i");

/**
 * Finds the ticket in what an operator pasted into Ticket: the bare ticket, the JSON answer of
 * Authlete's /backchannel/authentication (with its clientId and hint), or a log line that names
 * it. Undefined when there is nothing that looks like one.
 */
export function ticketFromPaste(text: string): PastedTicket | undefined {
  const trimmed = text.trim();
  if (ticketSchema.safeParse(trimmed).success) return { ticket: trimmed };
  const json = jsonObjectIn(trimmed);
  if (json && typeof json.ticket === "string" && ticketSchema.safeParse(json.ticket).success) {
    const found: PastedTicket = { ticket: json.ticket };
    if (typeof json.clientId === "string" || typeof json.clientId === "number") {
      found.clientId = String(json.clientId);
    }
    if (typeof json.hint === "string") found.hint = json.hint;
    return found;
  }
  const logged = LOGGED.exec(trimmed);
  return logged ? { ticket: logged[1]! } : undefined;
}

function jsonObjectIn(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start === -1 || end <= start) return undefined;
  try {
    const parsed: unknown = JSON.parse(text.slice(start, end + 1));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
