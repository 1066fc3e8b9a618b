import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "hono";
import { EARLY_INPUT_SCRIPT, FIRST_FRAME_DATA_ID } from "../../shared/first-frame";
import type { FirstFrameData } from "../../shared/first-frame";
import type { AppEnv } from "./app-env";

/** src/client/first-frame.tsx, built for Node: the page's own components, drawn here. */
export type FirstFrameRenderer = (data: FirstFrameData) => Promise<string>;

/** What the page at `/` is drawn from, for this request; undefined: serve the page without. */
export type FirstFrameSource = (c: Context<AppEnv>) => Promise<FirstFrameData | undefined>;

/**
 * The built renderer (`npm run build` writes it beside the page), loaded on first use; without
 * a build (development, unit tests from source) there is none and the page is served as built.
 */
export function builtFirstFrameRenderer(
  file: string,
): () => Promise<FirstFrameRenderer | undefined> {
  let loading: Promise<FirstFrameRenderer | undefined> | undefined;
  return () =>
    (loading ??= existsSync(file)
      ? import(pathToFileURL(file).href).then(
          (module: { renderFirstFrame: FirstFrameRenderer }) => module.renderFirstFrame,
        )
      : Promise.resolve(undefined));
}

/** JSON inside a script element: `<` escaped, so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** index.html ready for first frames: its stylesheet read, to go inline. */
export interface FramePage {
  html: string;
  css: string;
}

/**
 * The built index.html and its stylesheet. The frame carries the styles inline: a first visit
 * would otherwise see nothing until a second request came back (stylesheets block drawing).
 */
export function readFramePage(clientDir: string): FramePage {
  let html = readFileSync(join(clientDir, "index.html"), "utf8");
  let css = "";
  html = html.replace(
    /<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>\s*/g,
    (_, file: string) => {
      css += readFileSync(join(clientDir, file), "utf8");
      return "";
    },
  );
  if (/<\/style/i.test(css)) throw new Error("The stylesheet cannot go inline: it closes <style>");
  return { html, css };
}

/**
 * The page with the frame in #root and the data it was drawn from beside it. The early script
 * (allowed, like the styles, by this answer's CSP nonce) comes first in <head>, before any press
 * can reach the frame. The session's preload goes: its answer is in the data.
 */
export function withFirstFrame(
  page: FramePage,
  frame: { html: string; data: FirstFrameData; nonce: string },
): string {
  const charset = '<meta charset="UTF-8" />';
  const root = '<div id="root"></div>';
  if (!page.html.includes(root) || !page.html.includes(charset)) {
    throw new Error("index.html has no charset or no empty #root");
  }
  const nonce = `nonce="${frame.nonce}"`;
  // Functions, so that no `$&` in the frame or its data is read as a replacement pattern.
  return page.html
    .replace(/<link rel="preload" href="\/api\/session"[^>]*>\s*/, "")
    .replace(
      charset,
      () =>
        `${charset}<script ${nonce}>${EARLY_INPUT_SCRIPT}</script><style ${nonce}>${page.css}</style>`,
    )
    .replace(
      root,
      () =>
        `<div id="root">${frame.html}</div>` +
        `<script type="application/json" id="${FIRST_FRAME_DATA_ID}">${scriptJson(frame.data)}</script>`,
    );
}

/**
 * What `promise` answers within `ms`, else undefined: the frame never waits long for a part the
 * page can ask for itself (the services, listed by Authlete when no profile names them).
 */
export async function answeredWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
