import type { LabStep } from "../../shared/lab";
import { problemOf } from "../http/problem";
import { masked } from "./masking";

/** A cell that cannot go on: its verdict and why. */
export class CellStop extends Error {
  constructor(
    readonly verdict: "error" | "unsupported",
    message: string,
  ) {
    super(message);
  }
}

/**
 * A cell's exchange, in order and masked: each call with its answer and time, each protocol
 * wait, each answer the AS gives its client. It also sums the waits and the calls' times: a
 * cell's critical path, which the bench compares a run's duration with.
 */
export class CellLog {
  readonly exchange: LabStep[] = [];
  waitedMs = 0;
  callsMs = 0;
  readonly #started: number;

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.#started = now();
  }

  elapsedMs(): number {
    return this.now() - this.#started;
  }

  /** A call; if it fails, the cell stops as an error that names the call and the reason. */
  async call<T>(who: string, what: string, request: unknown, send: () => Promise<T>): Promise<T> {
    const atMs = this.elapsedMs();
    const begun = performance.now();
    const took = () => {
      const durationMs = Math.round(performance.now() - begun);
      this.callsMs += durationMs;
      return durationMs;
    };
    try {
      const answer = await send();
      this.exchange.push({
        who,
        what,
        atMs,
        durationMs: took(),
        request: masked(request),
        answer: masked(answer),
      });
      return answer;
    } catch (error) {
      const problem = problemOf(error);
      const said = problem ? [problem.title, problem.detail].filter(Boolean).join(": ") : "";
      this.exchange.push({
        who,
        what,
        atMs,
        durationMs: took(),
        request: masked(request),
        answer: { error: said || "unexpected error (logged)" },
      });
      if (!problem) throw error;
      throw new CellStop("error", `${what}: ${problem.title}`);
    }
  }

  /** A wait the protocol asks for (the interval, the expiry). */
  async wait(ms: number, why: string): Promise<void> {
    this.exchange.push({ who: "wait", what: why, atMs: this.elapsedMs(), durationMs: ms });
    this.waitedMs += ms;
    await this.sleep(ms);
  }

  /** What the AS answers its client (the client's view of the exchange). */
  tell(what: string, answer: unknown): void {
    this.exchange.push({
      who: "AS → client",
      what,
      atMs: this.elapsedMs(),
      durationMs: 0,
      answer: masked(answer),
    });
  }
}
