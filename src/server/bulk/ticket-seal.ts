import { createSeal } from "../db/seal";

/**
 * Seals a bulk ticket for the database, so that another replica can go on with the job, or
 * Retry failed can run there. The job id and the ticket's sequence number are the additional
 * data: a sealed ticket copied onto another row does not open.
 */
export interface TicketSeal {
  seal(ticket: string, jobId: string, seq: number): string;
  open(sealed: string, jobId: string, seq: number): string;
}

export function createTicketSeal(key: Buffer): TicketSeal {
  const sealer = createSeal(key);
  return {
    seal: (ticket, jobId, seq) => sealer.seal(ticket, `${jobId}:${seq}`),
    open: (sealed, jobId, seq) => sealer.open(sealed, `${jobId}:${seq}`),
  };
}
