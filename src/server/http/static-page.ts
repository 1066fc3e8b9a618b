import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { readFramePage, withFirstFrame } from "./first-frame";
import type { FirstFrameRenderer, FirstFrameSource, FramePage } from "./first-frame";
import type { Logger } from "../logger";

/**
 * The built page. Vite names assets by content hash, so they can be cached forever; index.html
 * names the current hashes, so it is revalidated on every load.
 */
export function staticPage(
  clientDir: string,
  options: {
    serveSourceMaps: boolean;
    /** `/` drawn for the signed-in operator before the scripts run (decision 023). */
    firstFrame?: {
      source: FirstFrameSource;
      renderer: () => Promise<FirstFrameRenderer | undefined>;
      logger: Logger;
    };
  },
) {
  const immutable = "public, max-age=31536000, immutable";
  const revalidate = "no-cache";
  let framePage: FramePage | undefined;
  const firstFrame = options.firstFrame;
  return (
    new Hono<AppEnv>()
      // The fail form, drawn: for `/` exactly (a deep link's query is the page's to read), and
      // never cached, since it holds the person's name. Anything amiss: the page as built.
      .get("/", async (c, next) => {
        if (!firstFrame || new URL(c.req.url).search !== "") return next();
        try {
          const render = await firstFrame.renderer();
          const data = render && (await firstFrame.source(c));
          if (!render || !data) return next();
          // Without this answer's nonce the early script would not run, and a press would be
          // the browser's to send: no frame then.
          const nonce = c.var.secureHeadersNonce;
          if (!nonce) throw new Error("no CSP nonce on this answer");
          framePage ??= readFramePage(clientDir);
          const html = await render(data);
          c.header("Cache-Control", "no-store");
          return c.html(withFirstFrame(framePage, { html, data, nonce }));
        } catch (error) {
          firstFrame.logger.warn({ err: error }, "first frame not drawn: the page draws itself");
          return next();
        }
      })
      // Source maps show the whole client source: built for debugging, served only when asked.
      .get("/assets/*", async (c, next) =>
        c.req.path.endsWith(".map") && !options.serveSourceMaps ? c.text("Not found", 404) : next(),
      )
      .use(
        "/assets/*",
        serveStatic({
          root: clientDir,
          onFound: (_path, c) => c.header("Cache-Control", immutable),
        }),
      )
      .get("/assets/*", (c) => c.text("Not found", 404))
      .use(
        serveStatic({
          root: clientDir,
          onFound: (_path, c) => c.header("Cache-Control", revalidate),
        }),
      )
      // Every other path is a page of the app: answer with the app and let it route.
      .get(
        "*",
        serveStatic({
          root: clientDir,
          path: "index.html",
          onFound: (_path, c) => c.header("Cache-Control", revalidate),
        }),
      )
  );
}
