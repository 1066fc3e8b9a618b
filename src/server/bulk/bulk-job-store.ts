import type { Store } from "../db/store";
import { itemRows } from "./item-rows";
import type { ItemRows } from "./item-rows";
import { jobRows } from "./job-rows";
import type { JobRows } from "./job-rows";
import { leaseRows } from "./lease-rows";
import type { LeaseRows } from "./lease-rows";

/**
 * Bulk jobs and their tickets (a port), so that a reload finds a job, any replica can show it,
 * and a replica can go on with a job another one started. A ticket is stored only sealed, and
 * only while its job may still send it; its hash and tail stay. Three parts, each in its file:
 * the jobs, their tickets, and which replica runs them.
 */
export type BulkJobStore = JobRows & ItemRows & LeaseRows;

/** Bulk jobs in the console's database (SQLite or PostgreSQL), beside the audit trail. */
export function sqlBulkJobStore(store: Store): BulkJobStore {
  return { ...jobRows(store), ...itemRows(store), ...leaseRows(store) };
}
