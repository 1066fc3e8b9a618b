/**
 * The first frame's renderer (decision 023), built for Node (`dist/first-frame/`) and called by
 * the BFF: the signed-in page at `/` drawn by the page's own components, from the data the page
 * would have asked for. Not hydrated: main.tsx draws the page again over it, carrying over what
 * was typed and pressed meanwhile (lib/early-input.ts).
 */
import { QueryClient } from "@tanstack/react-query";
import { prerenderToNodeStream } from "react-dom/static";
import { Router } from "wouter";
import type { FirstFrameData } from "../shared/first-frame";
import { App, failTicketPageReady } from "./app";
import { seedFirstFrame } from "./lib/first-frame-seed";

export async function renderFirstFrame(data: FirstFrameData): Promise<string> {
  await failTicketPageReady;
  // One client per request: nothing one person was drawn with reaches another's page.
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  seedFirstFrame(client, data);
  // Waits for the lazy parts as well (reason details, sharing): the frame is the whole form.
  // A part that cannot be drawn in Node would be left to the browser, with React's message
  // (and a stack) in the markup: such a frame is refused and the BFF serves the page without.
  const errors: unknown[] = [];
  const { prelude } = await prerenderToNodeStream(
    <Router ssrPath="/">
      <App client={client} />
    </Router>,
    { onError: (error) => void errors.push(error) },
  );
  let html = "";
  for await (const chunk of prelude) html += String(chunk);
  if (errors.length > 0) throw new AggregateError(errors, "The first frame could not be drawn");
  return html;
}
