import { and, count, inArray, lt, sql } from "drizzle-orm";
import { STARTED_UNFINISHED_STATUSES } from "../../model/index.js";
import type { Database } from "../database.js";
import { workflowExecutions } from "../schema/index.js";

/** Resolves when the database answers a query; rejects with the reason when it does not. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`SELECT 1`);
}

/** Workflow executions running or paused for longer than `stuckAfterMs`, by status (both always present). */
export async function stuckWorkflowCounts(
  db: Database,
  stuckAfterMs: number,
): Promise<Record<(typeof STARTED_UNFINISHED_STATUSES)[number], number>> {
  const t = workflowExecutions;
  const rows = await db
    .select({ status: t.status, n: count() })
    .from(t)
    .where(
      and(
        inArray(t.status, [...STARTED_UNFINISHED_STATUSES]),
        lt(t.startedAt, sql`now() - ${stuckAfterMs} * interval '1 millisecond'`),
      ),
    )
    .groupBy(t.status);
  const counts = { running: 0, paused: 0 };
  for (const row of rows) if (row.status === "running" || row.status === "paused") counts[row.status] = row.n;
  return counts;
}
