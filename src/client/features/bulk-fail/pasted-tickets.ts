/**
 * The tickets this tab pasted for each job it started, by the job's sequence number. Memory
 * only, never storage or the server: a ticket is a live credential. "Copy the unsent tickets"
 * reads them, so it works in the tab that started the job, until it is closed or reloaded.
 */
const pasted = new Map<string, string[]>();

export function keepPastedTickets(jobId: string, tickets: string[]): void {
  pasted.set(jobId, tickets);
}

/** The tickets with these sequence numbers (1-based), or undefined when this tab has none. */
export function pastedTickets(jobId: string, seqs: number[]): string[] | undefined {
  const tickets = pasted.get(jobId);
  if (!tickets) return undefined;
  return seqs.map((seq) => tickets[seq - 1]).filter((ticket) => ticket !== undefined);
}

export function hasPastedTickets(jobId: string): boolean {
  return pasted.has(jobId);
}
