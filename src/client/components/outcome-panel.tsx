import { useEffect, useRef } from "react";
import type { ReactNode } from "react";
import { formatTime } from "../lib/format";
import { CopyButton } from "./copy-button";
import { RequestErrorAlert } from "./problem-alert";

interface OutcomePanelProps {
  /**
   * "done": the action was taken; "problem": it was not, or its answer is an error; "waiting":
   * held for a supervisor's approval.
   */
  tone: "done" | "problem" | "waiting";
  /** One sentence that says it all: "Done: ticket …CSH-sc on Demo Service failed with …". */
  headline: string;
  at: Date;
  production: boolean;
  /** Changes with every new outcome: the panel then takes the focus. */
  outcomeKey: unknown;
  children?: ReactNode;
}

/**
 * Every outcome of a form, success or problem, in the result column, where people look: a
 * headline that takes the focus, its time, a production tag and a copy button, then the raw
 * fields. It scrolls only when it is out of view (on phones, where it sits above the form).
 */
export function OutcomePanel(props: OutcomePanelProps) {
  const { tone, headline, at, production, outcomeKey, children } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const element = heading.current;
    if (!element) return;
    element.focus({ preventScroll: true });
    const top = element.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 80) {
      void element.closest("section")?.scrollIntoView({ block: "start" });
    }
  }, [outcomeKey]);
  const time = at.toISOString();
  return (
    <section
      className={`card outcome-panel outcome-panel-${tone}`}
      aria-labelledby="outcome-headline"
    >
      <h2 id="outcome-headline" ref={heading} tabIndex={-1} className="outcome-panel-headline">
        {headline}
      </h2>
      <p className="outcome-panel-meta">
        <time dateTime={time}>{formatTime(time)}</time>
        {production && <span className="env-badge env-production">production</span>}
        <CopyButton label="Copy headline" text={`${headline} (${time})`} />
      </p>
      {children}
    </section>
  );
}

/** A send that came to nothing: its problem, in the same place a result would be. */
export function ProblemOutcome({ outcome }: { outcome: { error: Error; at: Date } }) {
  return (
    <OutcomePanel
      tone="problem"
      headline={`Not done: ${outcome.error.message}`}
      at={outcome.at}
      production={false}
      outcomeKey={outcome}
    >
      <RequestErrorAlert error={outcome.error} title="Something went wrong" announce={false} />
    </OutcomePanel>
  );
}
