import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { AppEnv } from "./app-env";

/**
 * The built page. Vite names assets by content hash, so they can be cached forever; index.html
 * names the current hashes, so it is revalidated on every load.
 */
export function staticPage(clientDir: string, options: { serveSourceMaps: boolean }) {
  const immutable = "public, max-age=31536000, immutable";
  const revalidate = "no-cache";
  return (
    new Hono<AppEnv>()
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
