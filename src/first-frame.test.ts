import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderFirstFrame } from "./client/first-frame";
import { EARLY_INPUT_SCRIPT, FIRST_FRAME_DATA_ID } from "./shared/first-frame";
import type { FirstFrameData } from "./shared/first-frame";
import { startConsole } from "./testing/test-harness";
import { withFirstFrame } from "./server/http/first-frame";

// A page shaped as Vite builds it: charset, the session's preload, a stylesheet, #root, a script.
const clientDir = mkdtempSync(join(tmpdir(), "cfc-frame-"));
mkdirSync(join(clientDir, "assets"));
writeFileSync(
  join(clientDir, "index.html"),
  `<!doctype html><html><head><meta charset="UTF-8" /><title>console</title>
<link rel="preload" href="/api/session" as="fetch" crossorigin="anonymous" />
<script type="module" crossorigin src="/assets/index-abc.js"></script>
<link rel="stylesheet" crossorigin href="/assets/index-abc.css">
</head><body><div id="root"></div></body></html>`,
);
writeFileSync(join(clientDir, "assets", "index-abc.css"), ".form{color:red}");
writeFileSync(join(clientDir, "assets", "index-abc.js"), "console.log(1);");
afterAll(() => rmSync(clientDir, { recursive: true, force: true }));

/** The page's own components, drawn from source as the build draws them. */
const fromSource = () => Promise.resolve(renderFirstFrame);

function frameData(html: string): FirstFrameData {
  const found = new RegExp(
    `<script type="application/json" id="${FIRST_FRAME_DATA_ID}">(.*?)</script>`,
  ).exec(html);
  return JSON.parse(found![1]!) as FirstFrameData;
}

describe("the first frame (decision 023)", () => {
  it("draws the fail form for a signed-in operator, with the data, the styles and the early script under the answer's nonce", async () => {
    const running = await startConsole({ clientDir: `${clientDir}/`, firstFrame: fromSource });
    try {
      const page = await running.get("/");
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("no-store");
      // The form, drawn by its components: the fields by their API names, the button enabled.
      expect(page.text).toMatch(/<form class="card form"[^>]* method="post"/);
      expect(page.text).toContain('name="backchannelAuthenticationFailRequest.ticket"');
      expect(page.text).toMatch(/<button type="submit"[^>]*>Fail ticket<\/button>/);
      expect(page.text).toContain("Test Operator");
      // The session is in the data, so the page does not ask for it again.
      expect(page.text).not.toContain('href="/api/session"');
      const data = frameData(page.text);
      expect(data.session.name).toBe("Test Operator");
      expect(data.config.target.simulated).toBe(true);
      expect(data.services?.map((service) => service.serviceId)).toContain("1000000001");
      // The inline script and styles carry this answer's nonce, and only they do.
      const nonce = /'nonce-([^']+)'/.exec(page.headers.get("content-security-policy")!)?.[1];
      expect(nonce).toBeTruthy();
      expect(page.text).toContain(`<script nonce="${nonce}">${EARLY_INPUT_SCRIPT}</script>`);
      expect(page.text).toContain(`<style nonce="${nonce}">.form{color:red}</style>`);
      expect(page.text).not.toContain("index-abc.css");
      // The app still starts as built.
      expect(page.text).toContain('src="/assets/index-abc.js"');
    } finally {
      await running.close();
    }
  });

  it("is drawn for nobody else: not signed in, a viewer, a deep link's query", async () => {
    const running = await startConsole({ clientDir: `${clientDir}/`, firstFrame: fromSource });
    try {
      expect((await running.get("/?ticket=abc")).text).toContain('<div id="root"></div>');
      await running.signInAs({
        name: "Vera Viewer",
        email: null,
        role: "viewer",
        subject: "local:vera",
      });
      expect((await running.get("/")).text).toContain('<div id="root"></div>');
      running.useCookie(undefined);
      const stranger = await running.get("/");
      expect(stranger.text).toContain('<div id="root"></div>');
      expect(stranger.text).toContain('href="/api/session"');
    } finally {
      await running.close();
    }
  });

  it("falls back to the page as built, and says so in the log, when drawing fails", async () => {
    const running = await startConsole({
      clientDir: `${clientDir}/`,
      firstFrame: () => Promise.resolve(() => Promise.reject(new Error("window is not defined"))),
    });
    try {
      const page = await running.get("/");
      expect(page.status).toBe(200);
      expect(page.text).toContain('<div id="root"></div>');
      const warning = running.logLines.find((line) => line.includes("first frame not drawn"));
      expect(warning).toContain("window is not defined");
    } finally {
      await running.close();
    }
  });

  it("keeps what it carries inert: no value can close the data's script or be read as a pattern", () => {
    const page = {
      html: '<head><meta charset="UTF-8" /></head><body><div id="root"></div></body>',
      css: "",
    };
    const data = {
      session: { name: "</script><script>alert(1)</script> $& $'", role: "operator" },
    } as unknown as FirstFrameData;
    const html = withFirstFrame(page, { html: "<p>$&</p>", data, nonce: "n" });
    expect(html).toContain('<div id="root"><p>$&</p></div>');
    expect(html).not.toContain("</script><script>alert(1)");
    expect(frameData(html).session.name).toBe("</script><script>alert(1)</script> $& $'");
  });
});
