import { FAIL_REASONS } from "./reasons";
import { END_RESULTS } from "./end-request";
import { ticketSchema } from "./fail-request";

/** What a bulk job does to each ticket: fail it, or end the issued request. */
export const BULK_ACTIONS = ["fail", "end"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** What a line may name, per job action: a reason of /fail, or a result of /complete. */
export const LINE_CHOICES: Record<BulkAction, readonly string[]> = {
  fail: FAIL_REASONS,
  end: END_RESULTS,
};

/** The most tickets one bulk job takes. */
export const BULK_MAX_TICKETS = 10_000;

export interface ListedTicket {
  /** 1-based line of the pasted text. */
  line: number;
  ticket: string;
  /** A reason (fail job) or result (end job); absent: the job's default applies. */
  reason?: string;
}

export interface RejectedLine {
  line: number;
  /** The line as typed, cut to 80 characters. */
  text: string;
  why: string;
}

export interface TicketList {
  tickets: ListedTicket[];
  invalid: RejectedLine[];
  /** Lines that repeat an earlier ticket: removed, never sent twice. */
  duplicates: RejectedLine[];
}

/**
 * Reads a pasted list or a dropped file: one ticket per line, or CSV `ticket[,reason]` (a header
 * line `ticket,reason` is skipped). Blank lines and `#` comments are ignored. Each rejected line
 * says why; nothing invalid is ever sent.
 */
export function parseTicketList(text: string, action: BulkAction = "fail"): TicketList {
  const allowed = new Set(LINE_CHOICES[action]);
  const other = new Set(LINE_CHOICES[action === "fail" ? "end" : "fail"]);
  const list: TicketList = { tickets: [], invalid: [], duplicates: [] };
  const firstLine = new Map<string, number>();
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const shown = trimmed.length > 80 ? `${trimmed.slice(0, 79)}…` : trimmed;
    const fields = trimmed.split(",").map((field) =>
      field
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .trim(),
    );
    if (line === 1 && fields[0]?.toLowerCase() === "ticket") return;
    if (fields.length > 2) {
      list.invalid.push({
        line,
        text: shown,
        why: "More than two fields: use ticket or ticket,reason.",
      });
      return;
    }
    const [ticketText = "", reasonText = ""] = fields;
    const ticket = ticketSchema.safeParse(ticketText);
    if (!ticket.success) {
      list.invalid.push({
        line,
        text: shown,
        why: ticket.error.issues[0]?.message ?? "Not a ticket.",
      });
      return;
    }
    const reason = reasonText.toUpperCase();
    if (reason !== "" && !allowed.has(reason)) {
      list.invalid.push({
        line,
        text: shown,
        why: other.has(reason)
          ? action === "fail"
            ? `"${reasonText}" is a result of End issued request; this job fails tickets.`
            : `"${reasonText}" is a reason of Fail ticket; this job ends issued requests.`
          : action === "fail"
            ? `"${reasonText}" is not a reason of the fail API.`
            : `"${reasonText}" is not a result this console sends (TRANSACTION_FAILED or ACCESS_DENIED).`,
      });
      return;
    }
    const earlier = firstLine.get(ticket.data);
    if (earlier !== undefined) {
      list.duplicates.push({ line, text: shown, why: `Same ticket as line ${earlier}.` });
      return;
    }
    if (list.tickets.length >= BULK_MAX_TICKETS) {
      list.invalid.push({
        line,
        text: shown,
        why: `Over ${BULK_MAX_TICKETS.toLocaleString("en")} tickets: start another job for the rest.`,
      });
      return;
    }
    firstLine.set(ticket.data, line);
    list.tickets.push(
      reason === "" ? { line, ticket: ticket.data } : { line, ticket: ticket.data, reason },
    );
  });
  return list;
}
