import { StrictMode } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { FIRST_FRAME_DATA_ID } from "../shared/first-frame";
import type { FirstFrameData } from "../shared/first-frame";
import { App, failTicketPageReady } from "./app";
import { sessionQuery } from "./features/session/queries";
import { replayEarlyInput, snapshotEarlyInput } from "./lib/early-input";
import { seedFirstFrame } from "./lib/first-frame-seed";
import { queryClient } from "./lib/query-client";
import "./styles.css";

const container = document.getElementById("root")!;
const page = (
  <StrictMode>
    <App />
  </StrictMode>
);
const frameData = document.getElementById(FIRST_FRAME_DATA_ID)?.textContent;

if (frameData) {
  // The BFF drew the form (decision 023), and the person may be typing in it: the app draws
  // over it once it can draw the whole form, and does again what was done to the frame.
  seedFirstFrame(queryClient, JSON.parse(frameData) as FirstFrameData);
  void failTicketPageReady.then(() => {
    const early = snapshotEarlyInput(container);
    if (window.earlyInput) window.earlyInput.done = true;
    // At once, in this task: no key pressed between the snapshot and the app's form is lost.
    flushSync(() => createRoot(container).render(page));
    replayEarlyInput(container, early);
    if (window.earlyInput) window.earlyInput.tookOverAt = performance.now();
  });
} else {
  // Asked before React's first render (index.html preloads the answer): the first screen waits
  // for it, so it must not wait for React as well.
  void queryClient.prefetchQuery(sessionQuery);
  createRoot(container).render(page);
}
