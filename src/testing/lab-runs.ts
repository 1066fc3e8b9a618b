import { expect } from "vitest";
import { labRunSchema } from "../shared/lab";
import type { LabRun } from "../shared/lab";
import type { ConsoleUnderTest } from "./test-harness";

/** Reads a lab run until it has finished, as the page does, and returns its last state. */
export async function finishedLabRun(
  on: ConsoleUnderTest,
  id: string,
  timeout = 25_000,
): Promise<LabRun> {
  let run: LabRun | undefined;
  await expect
    .poll(
      async () => {
        run = labRunSchema.parse((await on.get(`/api/lab/runs/${id}`)).json);
        return run.state;
      },
      { timeout, interval: 200 },
    )
    .toBe("finished");
  return run!;
}
