import type { Problem } from "../../shared/problem";
import { ApiProblem } from "../lib/api-client";

/** A mutation's error, whatever it is, as one alert; nothing when there is none. */
export function RequestErrorAlert({
  error,
  title,
  compact = false,
  announce = true,
  plain = false,
}: {
  error: Error | null;
  title: string;
  /** Under a field: the title says what was not done. */
  compact?: boolean;
  announce?: boolean;
  /** For people, not for a report: no field paths, no request id (the sign-in form). */
  plain?: boolean;
}) {
  if (!error) return null;
  return (
    <ProblemAlert
      compact={compact}
      announce={announce}
      plain={plain}
      problem={
        error instanceof ApiProblem
          ? error.problem
          : { type: "about:blank", title, status: 0, detail: error.message }
      }
    />
  );
}

/**
 * A request's failure, with everything needed to report it. `role="alert"` unless it sits in an
 * outcome panel, whose headline takes the focus and says it first.
 */
export function ProblemAlert({
  problem,
  compact = false,
  announce = true,
  plain = false,
}: {
  problem: Problem;
  compact?: boolean;
  announce?: boolean;
  plain?: boolean;
}) {
  return (
    <div
      role={announce ? "alert" : undefined}
      className={compact ? "alert alert-compact" : "alert"}
    >
      <p className="alert-title">{problem.title}</p>
      {problem.detail && <p>{problem.detail}</p>}
      {problem.retryAfterSeconds !== undefined && (
        <p>
          <strong>Try again in {waitText(problem.retryAfterSeconds)}.</strong>
        </p>
      )}
      {plain ? null : (
        <dl className="facts">
          {problem.upstreamStatus !== undefined && (
            <>
              <dt>Authlete HTTP status</dt>
              <dd>{problem.upstreamStatus}</dd>
            </>
          )}
          {problem.resultCode && (
            <>
              <dt>resultCode</dt>
              <dd>
                <code>{problem.resultCode}</code>
              </dd>
            </>
          )}
          {problem.resultMessage && (
            <>
              <dt>resultMessage</dt>
              <dd>{problem.resultMessage}</dd>
            </>
          )}
          {problem.errors?.map((error) => (
            <FieldError key={error.path} path={error.path} message={error.message} />
          ))}
          {problem.requestId && (
            <>
              <dt>Request ID</dt>
              <dd>
                <code>{problem.requestId}</code>
              </dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}

function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}

function FieldError({ path, message }: { path: string; message: string }) {
  return (
    <>
      <dt>
        <code>{path}</code>
      </dt>
      <dd>{message}</dd>
    </>
  );
}
