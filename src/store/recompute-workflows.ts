import { sql } from "drizzle-orm";
import { pgArray } from "./sql-values.js";
import type { Transaction } from "./transaction.js";

/** Longest wkex_error_message kept in the column (it is in a btree index); the full text stays in metadata.error. */
export const ERROR_MESSAGE_COLUMN_LIMIT = 1000;

/**
 * Recomputes everything a workflow execution derives from its children, from what is stored
 * (never by incrementing): progress, average step duration, error step and message,
 * intermediate results; and, while the workflow's own span has not arrived, its status
 * (`running`), start and the context its steps carry (min over steps, so order does not matter).
 */
export async function recomputeWorkflows(tx: Transaction, wkexIds: readonly string[]): Promise<void> {
  if (wkexIds.length === 0) return;
  await tx.execute(sql`
WITH ids AS (SELECT DISTINCT unnest(${pgArray(wkexIds)}::uuid[]) AS wkex_id),
st AS (
  SELECT s.wkex_id,
    count(*)::int AS seen_steps,
    (count(*) FILTER (WHERE s.wstp_status = 'completed'))::int AS completed_steps,
    avg(s.wstp_duration_ms)::real AS avg_step_ms,
    min(s.wstp_started_at) AS first_start,
    (array_agg(s.wstp_step_id ORDER BY s.wstp_step_order DESC NULLS LAST, s.wstp_started_at DESC, s.wstp_id DESC))[1] AS current_step_id,
    max(s.wstp_step_order) AS current_step_order,
    (array_agg(s.wstp_step_id ORDER BY s.wstp_step_order NULLS LAST, s.wstp_started_at, s.wstp_id)
      FILTER (WHERE s.wstp_status IN ('failed', 'timeout')))[1] AS failed_step_id,
    (array_agg(s.wstp_error_message ORDER BY s.wstp_step_order NULLS LAST, s.wstp_started_at, s.wstp_id)
      FILTER (WHERE s.wstp_status IN ('failed', 'timeout')))[1] AS failed_step_error,
    jsonb_object_agg(coalesce(s.wstp_step_id, s.wstp_id::text), s.wstp_attributes -> 'output')
      FILTER (WHERE jsonb_typeof(s.wstp_attributes -> 'output') IS DISTINCT FROM 'null') AS results,
    min(s.wstp_attributes #>> '{metadata,workflow,executionId}') AS p_execution_id,
    min(s.wstp_attributes #>> '{metadata,workflow,workflowId}') AS p_workflow_id,
    min(s.wstp_attributes #>> '{metadata,workflow,name}') AS p_name,
    max((s.wstp_attributes #>> '{metadata,workflow,totalSteps}')::int) AS p_total_steps,
    min(s.wstp_attributes #>> '{metadata,workflow,companionId}') AS p_companion_id,
    min(s.wstp_attributes #>> '{metadata,workflow,userId}') AS p_user_id,
    min(s.wstp_attributes #>> '{metadata,workflow,organizationId}') AS p_organization_id,
    min(s.wstp_attributes #>> '{metadata,workflow,sessionId}') AS p_session_id,
    min(s.wstp_attributes #>> '{metadata,workflow,conversationId}') AS p_conversation_id,
    (array_agg(s.wstp_attributes #> '{metadata,workflow,executionConfig}' ORDER BY s.wstp_id)
      FILTER (WHERE s.wstp_attributes #> '{metadata,workflow,executionConfig}' IS NOT NULL))[1] AS p_execution_config
  FROM "WorkflowStepExecutions" s JOIN ids USING (wkex_id)
  GROUP BY s.wkex_id
),
sk AS (
  SELECT k.wkex_id,
    min(k.exec_started_at) AS first_start,
    (array_agg(k.exec_step_number ORDER BY k.exec_started_at, k.exec_id)
      FILTER (WHERE k.exec_status IN ('failed', 'timeout')))[1] AS failed_step_number,
    (array_agg(k.exec_skill_name ORDER BY k.exec_started_at, k.exec_id)
      FILTER (WHERE k.exec_status IN ('failed', 'timeout')))[1] AS failed_skill,
    (array_agg(k.exec_error_message ORDER BY k.exec_started_at, k.exec_id)
      FILTER (WHERE k.exec_status IN ('failed', 'timeout')))[1] AS failed_skill_error
  FROM "SkillExecutions" k JOIN ids USING (wkex_id)
  GROUP BY k.wkex_id
),
derived AS (
  SELECT w.wkex_id AS target_id,
    CASE WHEN w.wkex_span_received THEN w.wkex_status
         WHEN w.wkex_status = 'timeout' THEN 'timeout'
         ELSE 'running' END AS status,
    st.*, sk.first_start AS skill_first_start, sk.failed_step_number, sk.failed_skill, sk.failed_skill_error,
    (SELECT s2.wstp_step_id FROM "WorkflowStepExecutions" s2
      WHERE s2.wkex_id = w.wkex_id AND s2.wstp_step_order = sk.failed_step_number
      ORDER BY s2.wstp_id LIMIT 1) AS failed_skill_step_id
  FROM "WorkflowExecutions" w JOIN ids ON ids.wkex_id = w.wkex_id
  LEFT JOIN st ON st.wkex_id = w.wkex_id
  LEFT JOIN sk ON sk.wkex_id = w.wkex_id
)
UPDATE "WorkflowExecutions" w SET
  wkex_status = d.status,
  wkex_completed_steps = coalesce(d.completed_steps, 0),
  wkex_current_step_id = d.current_step_id,
  wkex_current_step_order = coalesce(d.current_step_order, 0),
  wkex_avg_step_duration_ms = d.avg_step_ms,
  wkex_total_steps = coalesce(
    CASE WHEN w.wkex_span_received THEN greatest(w.wkex_total_steps, d.seen_steps)
         ELSE greatest(d.p_total_steps, d.seen_steps) END, 0),
  wkex_error_step = CASE WHEN d.status IN ('failed', 'timeout')
    THEN left(coalesce(d.failed_step_id, d.failed_skill_step_id, d.failed_skill), 100) END,
  wkex_error_message = CASE WHEN d.status IN ('failed', 'timeout')
    THEN left(coalesce(w.wkex_attributes #>> '{metadata,error,message}', d.failed_step_error, d.failed_skill_error), ${ERROR_MESSAGE_COLUMN_LIMIT}) END,
  wkex_attributes = jsonb_set(
    CASE WHEN w.wkex_span_received OR d.p_execution_config IS NULL THEN w.wkex_attributes
         ELSE jsonb_set(w.wkex_attributes, '{execution_config}', d.p_execution_config) END,
    '{intermediate_results}', coalesce(d.results, '{}'::jsonb)),
  wkex_started_at = CASE WHEN w.wkex_span_received THEN w.wkex_started_at
    ELSE coalesce(least(d.first_start, d.skill_first_start), w.wkex_started_at) END,
  wkex_execution_id = CASE
    WHEN w.wkex_span_received OR d.p_execution_id IS NULL THEN w.wkex_execution_id
    WHEN EXISTS (SELECT 1 FROM "WorkflowExecutions" o WHERE o.wkex_execution_id = d.p_execution_id AND o.wkex_id <> w.wkex_id)
      THEN w.wkex_execution_id
    ELSE d.p_execution_id END,
  wkfl_id = CASE WHEN w.wkex_span_received THEN w.wkfl_id ELSE d.p_workflow_id::uuid END,
  wkex_workflow_name = CASE WHEN w.wkex_span_received THEN w.wkex_workflow_name ELSE d.p_name END,
  companion_id = CASE WHEN w.wkex_span_received THEN w.companion_id ELSE d.p_companion_id::uuid END,
  user_id = CASE WHEN w.wkex_span_received THEN w.user_id ELSE d.p_user_id::uuid END,
  organization_id = CASE WHEN w.wkex_span_received THEN w.organization_id ELSE d.p_organization_id::uuid END,
  wkex_session_id = CASE WHEN w.wkex_span_received THEN w.wkex_session_id ELSE d.p_session_id END,
  wkex_conversation_id = CASE WHEN w.wkex_span_received THEN w.wkex_conversation_id ELSE d.p_conversation_id END
FROM derived d
WHERE w.wkex_id = d.target_id`);
}

/**
 * Fills the ids a skill's own span lacked from its workflow execution, once that workflow's
 * own span has arrived (so the values are final and arrival order does not matter).
 */
export async function inheritWorkflowIds(tx: Transaction, wkexIds: readonly string[]): Promise<void> {
  if (wkexIds.length === 0) return;
  await tx.execute(sql`
UPDATE "SkillExecutions" k SET
  companion_id = coalesce(k.companion_id, w.companion_id),
  user_id = coalesce(k.user_id, w.user_id),
  organization_id = coalesce(k.organization_id, w.organization_id),
  exec_session_id = coalesce(k.exec_session_id, w.wkex_session_id),
  exec_conversation_id = coalesce(k.exec_conversation_id, w.wkex_conversation_id)
FROM "WorkflowExecutions" w
WHERE w.wkex_id = ANY(${pgArray(wkexIds)}::uuid[]) AND w.wkex_span_received AND k.wkex_id = w.wkex_id
  AND ((k.companion_id IS NULL AND w.companion_id IS NOT NULL)
    OR (k.user_id IS NULL AND w.user_id IS NOT NULL)
    OR (k.organization_id IS NULL AND w.organization_id IS NOT NULL)
    OR (k.exec_session_id IS NULL AND w.wkex_session_id IS NOT NULL)
    OR (k.exec_conversation_id IS NULL AND w.wkex_conversation_id IS NOT NULL))`);
}
