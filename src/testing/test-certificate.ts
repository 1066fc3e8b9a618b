import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * A self-signed certificate for "localhost" and 127.0.0.1, standing for a client's notification
 * endpoint in tests. The console trusts it as a team would trust its own CA: through
 * NODE_EXTRA_CA_CERTS, read by Node when a process starts (so the test run sets it before the
 * processes that send start).
 */
export function testCertificate(dir: string): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, "receiver-cert.pem");
  const key = join(dir, "receiver-key.pem");
  if (!existsSync(cert)) {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-keyout",
        key,
        "-out",
        cert,
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
  }
  return { cert, key };
}
