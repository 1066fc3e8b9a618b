import { hc } from "hono/client";
import type { z } from "zod";
import type { AppType } from "../../server/app";
import { noteActivity } from "./session-ended";
import { problemSchema, problemType } from "../../shared/problem";
import type { Problem, ProblemKind } from "../../shared/problem";

/**
 * The BFF, typed end to end from its routes. The first frame's renderer runs in Node and never
 * calls it: there it only needs to exist.
 */
export const api = hc<AppType>(
  typeof window === "undefined" ? "http://first-frame.invalid" : window.location.origin,
).api;

/** A failed call to the BFF, always as a problem the page can show. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
    this.name = "ApiProblem";
  }
}

/** Whether a failed call is the BFF's problem of this kind (e.g. "confirmation-required"). */
export function isProblem(error: unknown, kind: ProblemKind): error is ApiProblem {
  return error instanceof ApiProblem && error.problem.type === problemType(kind);
}

/**
 * Awaits a BFF call and parses its answer with the shared schema instead of trusting it.
 * Non-2xx answers become an ApiProblem carrying the BFF's problem+json.
 */
export async function readAnswer<T extends z.ZodType>(
  call: Promise<Response>,
  schema: T,
): Promise<z.output<T>> {
  let response: Response;
  try {
    response = await call;
  } catch {
    throw new ApiProblem({
      type: problemType("console-unreachable"),
      title: "The console's server could not be reached",
      status: 0,
      detail:
        "Check that the console (npm start) is still running, then try again. Nothing you typed is lost.",
    });
  }
  // The server's idle clock restarts with every request it answers as signed in.
  if (response.status !== 401) noteActivity();
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = problemSchema.safeParse(body);
    throw new ApiProblem(
      problem.success
        ? problem.data
        : {
            type: "about:blank",
            title: `The console answered HTTP ${response.status}`,
            status: response.status,
          },
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiProblem({
      type: problemType("unexpected-answer"),
      title: "The console's answer has an unexpected shape",
      status: response.status,
      detail: "The page and the server may be of different versions: reload the page.",
    });
  }
  return parsed.data;
}
