import { bulkJobSchema } from "../shared/bulk-job";
import type { BulkJob } from "../shared/bulk-job";
import type { ConsoleUnderTest } from "./test-harness";

/** Reads a bulk job over HTTP until it no longer runs; its final view. */
export async function untilJobEnded(running: ConsoleUnderTest, id: string): Promise<BulkJob> {
  for (;;) {
    const view = bulkJobSchema.parse((await running.get(`/api/bulk-jobs/${id}`)).json);
    if (view.status !== "running") return view;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
