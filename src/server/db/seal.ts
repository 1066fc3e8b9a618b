import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Seals a secret for the database (AES-256-GCM under TICKET_ENCRYPTION_KEY), bound to where it
 * is kept: the context is the additional data, so a sealed value copied onto another row does
 * not open. Bulk tickets and held client notifications use it.
 */
export interface Seal {
  seal(secret: string, context: string): string;
  open(sealed: string, context: string): string;
}

const VERSION = "v1";
const TAG_BYTES = 16;

export function createSeal(key: Buffer): Seal {
  if (key.length !== 32) throw new Error("TICKET_ENCRYPTION_KEY must be 32 bytes");
  return {
    seal(secret, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url"));
      return [VERSION, ...parts].join(".");
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || body === undefined) {
        throw new Error("not a sealed value");
      }
      // GCM accepts tags cut to 4 bytes unless told the length: a cut tag is forgeable.
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([
        decipher.update(Buffer.from(body, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    },
  };
}
