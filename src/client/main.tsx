import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { sessionQuery } from "./features/session/queries";
import { queryClient } from "./lib/query-client";
import "./styles.css";

// Asked before React's first render (index.html preloads the answer): the first screen waits
// for it, so it must not wait for React as well.
void queryClient.prefetchQuery(sessionQuery);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
