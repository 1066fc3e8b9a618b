import { appendFileSync, readFileSync } from "node:fs";
import { createHash, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { ChainHead } from "./chain-link";

/**
 * Signed checkpoints of the audit chain: "at this time, record N's link was H", signed with an
 * Ed25519 key the database does not hold. Whoever rewrites the whole chain (recomputing every
 * hash, which anyone can) cannot make the checkpoints agree without the key; the public key
 * alone verifies them, so an auditor needs no secret.
 */
export const CHECKPOINT_FORMAT = "ciba-audit-checkpoint/1";

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  seq: number;
  hash: string;
  at: string;
  /** The first 16 hex digits of SHA-256 over the public key (SPKI, DER). */
  keyId: string;
  /** Ed25519 over signedText(), base64. */
  signature: string;
}

function signedText(checkpoint: Omit<Checkpoint, "signature">): Buffer {
  const { format, seq, hash, at, keyId } = checkpoint;
  return Buffer.from(JSON.stringify([format, seq, hash, at, keyId]));
}

export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 16);
}

/** A PEM text (PKCS#8 private or SPKI public), or the path of a file holding one. */
export function readKey(pemOrPath: string, kind: "private" | "public"): KeyObject {
  const pem = pemOrPath.includes("-----BEGIN") ? pemOrPath : readFileSync(pemOrPath, "utf8");
  const key = kind === "private" ? createPrivateKey(pem) : createPublicKey(pem);
  if (key.asymmetricKeyType !== "ed25519") throw new Error("the key must be an Ed25519 key");
  return key;
}

export function signCheckpoint(privateKey: KeyObject, head: ChainHead, at: Date): Checkpoint {
  const unsigned = {
    format: CHECKPOINT_FORMAT,
    seq: head.seq,
    hash: head.hash,
    at: at.toISOString(),
    keyId: keyIdOf(privateKey),
  } as const;
  return {
    ...unsigned,
    signature: sign(null, signedText(unsigned), privateKey).toString("base64"),
  };
}

export function checkpointVerifies(publicKey: KeyObject, checkpoint: Checkpoint): boolean {
  try {
    return verify(
      null,
      signedText(checkpoint),
      publicKey,
      Buffer.from(checkpoint.signature, "base64"),
    );
  } catch {
    return false;
  }
}

/** A checkpoint file: one JSON checkpoint per line, in the order they were made. */
export function readCheckpoints(path: string): Checkpoint[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Checkpoint);
}

/**
 * Decides when a checkpoint is due (every `records` new records, or after `ms` when any came)
 * and hands it to `send` (the stream's sinks, or the local file). Made by whichever process
 * sealed; two replicas may both make one for the same head, which is harmless.
 */
export function createCheckpointer(options: {
  privateKey: KeyObject;
  records: number;
  ms: number;
  now: () => Date;
  send: (checkpoint: Checkpoint) => Promise<void>;
}) {
  let last: { seq: number; at: number } | undefined;
  return {
    async sealed(head: ChainHead): Promise<void> {
      const now = options.now();
      if (last === undefined) last = { seq: 0, at: now.getTime() };
      const due =
        head.seq - last.seq >= options.records ||
        (head.seq > last.seq && now.getTime() - last.at >= options.ms);
      if (!due) return;
      await options.send(signCheckpoint(options.privateKey, head, now));
      last = { seq: head.seq, at: now.getTime() };
    },
  };
}

/** The local checkpoint file, when no sink takes them: appended, one line each. */
export function appendToFile(path: string) {
  return (checkpoint: Checkpoint): Promise<void> => {
    appendFileSync(path, `${JSON.stringify(checkpoint)}\n`, { mode: 0o640 });
    return Promise.resolve();
  };
}
