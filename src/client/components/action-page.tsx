import { Suspense, lazy, useCallback, useRef, useState } from "react";
import type { ComponentType } from "react";
import type { AuditEvent } from "../../shared/audit";

// The person's recent actions, under the result: loaded after the form.
const RecentActions = lazy(() =>
  import("./recent-actions").then((m) => ({ default: m.RecentActions })),
);

type UseAgain = (event: AuditEvent) => void;

/**
 * The screen of a single action (Fail ticket, End issued request): the form on the left, and
 * on the right every outcome, then the person's recent actions (above the form on phones while
 * it holds an outcome, so that it is where the eye goes after the button).
 */
export function ActionPage<Outcome>({
  Form,
  OutcomeView,
  placeholder,
}: {
  /** The form, given where its outcomes go and where it hands its "use again". */
  Form: ComponentType<{
    onOutcome: (outcome: Outcome) => void;
    onUseAgainReady: (fill: UseAgain) => void;
  }>;
  OutcomeView: ComponentType<{ outcome: Outcome }>;
  /** What the result column says before the first outcome. */
  placeholder: string;
}) {
  const useAgain = useRef<UseAgain | null>(null);
  const [outcome, setOutcome] = useState<Outcome>();
  const handOver = useCallback((fill: UseAgain) => {
    useAgain.current = fill;
  }, []);
  const useAgainNow = useCallback((event: AuditEvent) => useAgain.current?.(event), []);
  return (
    <div className={outcome ? "layout has-outcome" : "layout"}>
      <Form onOutcome={setOutcome} onUseAgainReady={handOver} />
      <div className="result-column">
        {outcome ? (
          <Suspense fallback={<p className="muted">Loading the result…</p>}>
            <OutcomeView outcome={outcome} />
          </Suspense>
        ) : (
          <div className="card placeholder">
            <h2>Result</h2>
            <p className="muted">{placeholder}</p>
          </div>
        )}
        <Suspense fallback={null}>
          <RecentActions onUseAgain={useAgainNow} />
        </Suspense>
      </div>
    </div>
  );
}
