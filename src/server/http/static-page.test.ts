import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startConsole } from "../../testing/test-harness";

const clientDir = mkdtempSync(join(tmpdir(), "cfc-page-"));
mkdirSync(join(clientDir, "assets"));
writeFileSync(join(clientDir, "index.html"), "<!doctype html><title>console</title>");
writeFileSync(join(clientDir, "assets", "index-abc.js"), "console.log(1);");
writeFileSync(join(clientDir, "assets", "index-abc.js.map"), '{"version":3,"sources":[]}');
afterAll(() => rmSync(clientDir, { recursive: true, force: true }));

describe("the built page's source maps (issue 19, item 22)", () => {
  it("are not served unless SERVE_SOURCE_MAPS asks", async () => {
    const running = await startConsole({ clientDir: `${clientDir}/`, signedIn: false });
    try {
      expect((await running.get("/assets/index-abc.js")).status).toBe(200);
      const map = await running.get("/assets/index-abc.js.map");
      expect(map.status).toBe(404);
      expect(map.text).not.toContain("sources");
    } finally {
      await running.close();
    }
    const asked = await startConsole({
      clientDir: `${clientDir}/`,
      signedIn: false,
      env: { SERVE_SOURCE_MAPS: "true" },
    });
    try {
      expect((await asked.get("/assets/index-abc.js.map")).status).toBe(200);
    } finally {
      await asked.close();
    }
  });
});
