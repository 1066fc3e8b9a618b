/**
 * Vitest global setup: the https notification receiver's certificate, trusted by the test
 * processes through NODE_EXTRA_CA_CERTS (set here, before the worker processes start).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testCertificate } from "../src/testing/test-certificate";

export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), "cfc-tls-"));
  const { cert } = testCertificate(dir);
  process.env.NODE_EXTRA_CA_CERTS = cert;
  process.env.TEST_TLS_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
