import { sql } from "drizzle-orm";
import type { WorkflowChange } from "../../model/index.js";
import type { Database } from "../database.js";
import { pgArray } from "../sql-values.js";
import { queryRows } from "../transaction.js";
import { lockTraces } from "../writer.js";
import { applyResolution, rowAttachmentsOf } from "./apply.js";
import { settleEntries } from "./resolve.js";
import { loadOpenEntries } from "./span-index.js";

export interface SettleResult {
  readonly traces: number;
  readonly aiWorkflows: readonly WorkflowChange[];
}

/** Traces settled per transaction. */
const BATCH = 500;

/**
 * Settles the traces that received no span for `quietForMs` while some of their chains still
 * wait for an ancestor (an exporter that does not send span flags, a caller that does not export
 * to execlens): each open chain is taken as complete at its topmost known span, so its AI calls,
 * model requests and tool calls become (or join) workflow executions. If the ancestor arrives
 * later, the rows are corrected. Safe on several replicas: traces are locked as the writer locks
 * them and checked again under the lock.
 */
export async function settleQuietTraces(db: Database, quietForMs: number): Promise<SettleResult> {
  let traces = 0;
  const aiWorkflows: WorkflowChange[] = [];
  for (;;) {
    const settled = await db.transaction(async (tx) => {
      const quiet = sql`NOT settled AND last_seen_at <= now() - ${quietForMs} * interval '1 millisecond'`;
      const due = await queryRows<{ t: string }>(
        tx,
        sql`SELECT encode(trace_id, 'hex') AS t FROM "OpenTraces" WHERE ${quiet} ORDER BY last_seen_at LIMIT ${BATCH}`,
      );
      if (due.length === 0) return { count: 0, ai: [] };
      await lockTraces(tx, due.map((row) => row.t).sort());
      const still = await queryRows<{ t: string }>(
        tx,
        sql`UPDATE "OpenTraces" SET settled = true
            WHERE ${quiet} AND trace_id IN (SELECT decode(t, 'hex') FROM unnest(${pgArray(due.map((row) => row.t))}::text[]) AS t)
            RETURNING encode(trace_id, 'hex') AS t`,
      );
      const resolution = settleEntries(
        await loadOpenEntries(
          tx,
          still.map((row) => row.t),
        ),
      );
      const ai = await applyResolution(tx, resolution, rowAttachmentsOf(resolution), {
        openTraceIds: [],
        entrySpans: true,
        candidates: [],
        workflowIds: [],
        writtenSkills: [],
        workflows: [],
      });
      return { count: due.length, ai };
    });
    traces += settled.count;
    aiWorkflows.push(...settled.ai);
    if (settled.count < BATCH) return { traces, aiWorkflows };
  }
}
