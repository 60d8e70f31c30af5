import { sql } from "drizzle-orm";
import { ACTIVE_STATUSES } from "../model/index.js";
import type { Database } from "./database.js";
import { notifyWorkflowsChanged } from "./notifications.js";
import { sqlList } from "./schema/columns.js";
import { queryRows } from "./transaction.js";

export interface TimedOutWorkflow {
  readonly wkexId: string;
  readonly executionId: string;
  readonly workflowName: string | null;
  readonly organizationId: string | null;
  readonly errorMessage: string;
}

/**
 * Marks `timeout` the workflow executions still pending or running past their timeout
 * (`execution_config.timeout` in ms, else `defaultTimeoutMs`). Several execlens replicas may
 * sweep at once: rows another sweeper holds are skipped and the status is checked again under
 * the row lock, so each execution is marked once. The workflow's own span, when it arrives,
 * still overwrites the status (a real span wins).
 */
export async function sweepTimeouts(db: Database, defaultTimeoutMs: number): Promise<TimedOutWorkflow[]> {
  const rows = await db.transaction(async (tx) => {
    const marked = await queryRows<{
      wkex_id: string;
      wkex_execution_id: string;
      wkex_workflow_name: string | null;
      organization_id: string | null;
      wkex_error_message: string;
    }>(
      tx,
      sql`
WITH due AS (
  SELECT w.wkex_id, t.timeout_ms
  FROM "WorkflowExecutions" w
  CROSS JOIN LATERAL (SELECT coalesce(
      CASE WHEN jsonb_typeof(w.wkex_attributes #> '{execution_config,timeout}') = 'number'
        THEN (w.wkex_attributes #>> '{execution_config,timeout}')::numeric END,
      ${defaultTimeoutMs}) AS timeout_ms) t
  WHERE w.wkex_status IN (${sqlList(ACTIVE_STATUSES)})
    AND w.wkex_started_at + t.timeout_ms * interval '1 millisecond' < now()
  FOR UPDATE OF w SKIP LOCKED
)
UPDATE "WorkflowExecutions" w SET
  wkex_status = 'timeout',
  wkex_error_step = w.wkex_current_step_id,
  wkex_error_message = 'no end after ' || due.timeout_ms || ' ms (execlens timeout sweeper)',
  wkex_attributes = jsonb_set(w.wkex_attributes, '{metadata,error}', jsonb_build_object(
    'type', 'ExeclensTimeout',
    'message', 'no end after ' || due.timeout_ms || ' ms (execlens timeout sweeper)'))
FROM due
WHERE w.wkex_id = due.wkex_id
  AND w.wkex_status IN (${sqlList(ACTIVE_STATUSES)})
  AND w.wkex_started_at + due.timeout_ms * interval '1 millisecond' < now()
RETURNING w.wkex_id, w.wkex_execution_id, w.wkex_workflow_name, w.organization_id, w.wkex_error_message`,
    );
    await notifyWorkflowsChanged(
      tx,
      marked.map((r) => r.wkex_id),
    );
    return marked;
  });
  return rows.map((r) => ({
    wkexId: r.wkex_id,
    executionId: r.wkex_execution_id,
    workflowName: r.wkex_workflow_name,
    organizationId: r.organization_id,
    errorMessage: r.wkex_error_message,
  }));
}
