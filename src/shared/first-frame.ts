import type { ConsoleConfig, ServiceSummary } from "./console-info";
import type { SessionInfo } from "./session";

/**
 * The first frame (decision 023): for a signed-in operator opening `/`, the BFF answers with
 * the fail form already drawn by the page's own components, and with what they were drawn from.
 * The page's scripts then take over that markup, keeping whatever was typed or clicked before.
 */
export interface FirstFrameData {
  session: SessionInfo;
  config: ConsoleConfig;
  /** Left out when the list did not come at once: the page asks for it, as without a frame. */
  services?: ServiceSummary[];
}

/** The `<script type="application/json">` that carries FirstFrameData. */
export const FIRST_FRAME_DATA_ID = "first-frame-data";

/** What the page's early script keeps of a person's clicks until the app takes over. */
export interface EarlyInput {
  /** Set by the app as it takes over: from then on, clicks are the app's. */
  done?: boolean;
  /** The text of each button pressed (a submit by Enter names the form's submit button). */
  pressed: string[];
  /** performance.now() when the app took the frame over, for the bench. */
  tookOverAt?: number;
}

declare global {
  interface Window {
    earlyInput?: EarlyInput;
  }
}

/** How long the frame waits for the app before it says the console did not start. */
export const STARTUP_ALARM_MS = 15_000;

/**
 * Inline in the first frame, before the form: until the app takes over, a submit is held (never
 * sent by the browser: it would put the ticket in an address) and every button press is noted,
 * to be pressed again by the app. The pressed button says it is waiting ("Starting…", aria-busy).
 */
export const EARLY_INPUT_SCRIPT = `(() => {
  const early = (window.earlyInput = { pressed: [] });
  // A press on a button already waiting is the same press: one fail, however impatient.
  const note = (button) => {
    if (button.getAttribute("aria-busy") === "true") return;
    early.pressed.push(button.textContent.trim());
    button.setAttribute("aria-busy", "true");
    button.dataset.held = "true";
    button.textContent = "Starting…";
  };
  document.addEventListener("submit", (event) => {
    if (early.done) return;
    event.preventDefault();
    const button = event.submitter || event.target.querySelector("[type=submit]");
    if (button) note(button);
  }, true);
  document.addEventListener("click", (event) => {
    if (early.done) return;
    const button = event.target.closest && event.target.closest("button");
    if (button && button.type !== "submit") {
      event.preventDefault();
      note(button);
    }
  }, true);
  // Ctrl+Enter (the form's shortcut) is a press of its submit button, as in the app.
  document.addEventListener("keydown", (event) => {
    if (early.done || event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const button = event.target.form && event.target.form.querySelector("[type=submit]");
    if (!button) return;
    event.preventDefault();
    note(button);
  }, true);
  // Scripts that never come (a network cut mid-load) must not leave a form that seems to work.
  setTimeout(() => {
    if (early.done) return;
    const alert = document.createElement("div");
    alert.className = "alert";
    alert.setAttribute("role", "alert");
    alert.innerHTML = '<p class="alert-title">The console did not start</p>' +
      "<p>Its scripts did not load. Nothing was sent: reload the page.</p>";
    document.querySelector("main")?.prepend(alert);
  }, ${STARTUP_ALARM_MS});
})();`;
