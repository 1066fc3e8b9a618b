import type { Problem } from "../../shared/problem";
import { ApiProblem } from "../lib/api-client";

/** A mutation's error, whatever it is, as one alert; nothing when there is none. */
export function RequestErrorAlert({ error, title }: { error: Error | null; title: string }) {
  if (!error) return null;
  return (
    <ProblemAlert
      problem={
        error instanceof ApiProblem
          ? error.problem
          : { type: "about:blank", title, status: 0, detail: error.message }
      }
    />
  );
}

/** A request's failure, in one place near the form, with everything needed to report it. */
export function ProblemAlert({ problem }: { problem: Problem }) {
  return (
    <div role="alert" className="alert">
      <p className="alert-title">{problem.title}</p>
      {problem.detail && <p>{problem.detail}</p>}
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
    </div>
  );
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
