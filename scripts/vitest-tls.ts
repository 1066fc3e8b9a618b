/**
 * Vitest global setup: the https notification receiver's certificate, trusted by the test
 * processes through NODE_EXTRA_CA_CERTS (set here, before the worker processes start).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { testCertificate } from "../src/testing/test-certificate";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the receiver's certificate and key are (testCertificate). */
    tlsDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "cfc-tls-"));
  const { cert } = testCertificate(dir);
  process.env.NODE_EXTRA_CA_CERTS = cert;
  project.provide("tlsDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
