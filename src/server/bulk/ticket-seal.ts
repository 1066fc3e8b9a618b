import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Seals a bulk ticket for the database (AES-256-GCM under TICKET_ENCRYPTION_KEY), so that
 * another replica can go on with the job, or Retry failed can run there. The job id and the
 * ticket's sequence number are the additional data: a sealed ticket copied onto another row
 * does not open.
 */
export interface TicketSeal {
  seal(ticket: string, jobId: string, seq: number): string;
  open(sealed: string, jobId: string, seq: number): string;
}

const VERSION = "v1";

export function createTicketSeal(key: Buffer): TicketSeal {
  if (key.length !== 32) throw new Error("TICKET_ENCRYPTION_KEY must be 32 bytes");
  const aad = (jobId: string, seq: number) => Buffer.from(`${jobId}:${seq}`);
  return {
    seal(ticket, jobId, seq) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(aad(jobId, seq));
      const body = Buffer.concat([cipher.update(ticket, "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url"));
      return [VERSION, ...parts].join(".");
    },
    open(sealed, jobId, seq) {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || body === undefined) {
        throw new Error("not a sealed ticket");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(aad(jobId, seq));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([
        decipher.update(Buffer.from(body, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    },
  };
}
