import { z } from "zod";
import { wholeNumber as whole } from "../settings-rules";
import type { KeyObject } from "node:crypto";
import { readKey } from "./checkpoints";

/**
 * The tamper-evident audit trail (issue 22): how often the chain takes in closed records, and
 * the signed checkpoints (only with a signing key; the key's text is never echoed).
 */
export const auditChainSettings = z
  .object({
    /** An Ed25519 private key, PEM (PKCS#8): `openssl genpkey -algorithm ed25519`. */
    AUDIT_SIGNING_KEY: z.string().optional(),
    /** The same, from a file (preferred: the key stays out of the environment). */
    AUDIT_SIGNING_KEY_FILE: z.string().optional(),
    AUDIT_CHECKPOINT_FILE: z.string().min(1).default("./data/audit-checkpoints.jsonl"),
    AUDIT_CHECKPOINT_RECORDS: whole("records", 1, 1_000_000).default(1000),
    AUDIT_CHECKPOINT_SECONDS: whole("seconds", 1, 86_400).default(300),
    /** How often each console looks for records that closed by time (a sign-in window). */
    AUDIT_CHAIN_INTERVAL_MS: whole("milliseconds", 50, 600_000).default(5000),
  })
  .transform((e, context) => {
    let signingKey: KeyObject | undefined;
    const source = e.AUDIT_SIGNING_KEY_FILE ?? e.AUDIT_SIGNING_KEY;
    const variable = e.AUDIT_SIGNING_KEY_FILE ? "AUDIT_SIGNING_KEY_FILE" : "AUDIT_SIGNING_KEY";
    if (source) {
      try {
        signingKey = readKey(source, "private");
      } catch {
        context.addIssue({
          code: "custom",
          path: [variable],
          message: e.AUDIT_SIGNING_KEY_FILE
            ? "must name a readable file holding an Ed25519 private key (PEM)"
            : "must be an Ed25519 private key (PEM)",
        });
        return z.NEVER;
      }
    }
    return {
      auditChain: {
        intervalMs: e.AUDIT_CHAIN_INTERVAL_MS,
        checkpoints: signingKey && {
          signingKey,
          file: e.AUDIT_CHECKPOINT_FILE,
          records: e.AUDIT_CHECKPOINT_RECORDS,
          ms: e.AUDIT_CHECKPOINT_SECONDS * 1000,
        },
      },
    };
  });
