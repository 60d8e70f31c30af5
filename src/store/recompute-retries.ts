import { sql } from "drizzle-orm";
import { ERROR_STATUSES } from "../model/index.js";
import { sqlList } from "./schema/columns.js";
import { pgArray } from "./sql-values.js";
import type { Transaction } from "./transaction.js";

/**
 * metadata.retry of the skills of the given workflow executions, from their siblings: executions
 * of the same skill (name) under the same parent span are attempts of one call, and the failed
 * ones (failed, timeout) right before an execution — since the last one that did not fail — are
 * its previous attempts. A retried skill gets `{attemptNumber, previousErrors, maxRetries (the
 * workflow's execution_config.retryStrategy.maxRetries), derived: true}`; a first attempt none.
 * What the skill's span declared (skill.retry.*, no `derived` mark) is left as it is.
 */
export async function recomputeRetries(tx: Transaction, wkexIds: readonly string[]): Promise<void> {
  if (wkexIds.length === 0) return;
  const errors = sqlList(ERROR_STATUSES);
  await tx.execute(sql`
WITH siblings AS (
  SELECT k.exec_id, k.wkex_id, k.exec_skill_name AS name, k.exec_attributes #>> '{metadata,trace,parentSpanId}' AS parent,
    k.exec_started_at, coalesce(k.exec_error_message, k.exec_status) AS error,
    -- the attempts of one call share how many siblings before them did not fail
    count(*) FILTER (WHERE k.exec_status NOT IN (${errors})) OVER (
      PARTITION BY k.wkex_id, k.exec_skill_name, k.exec_attributes #>> '{metadata,trace,parentSpanId}'
      ORDER BY k.exec_started_at, k.exec_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS call
  FROM "SkillExecutions" k WHERE k.wkex_id = ANY(${pgArray(wkexIds)}::uuid[])
),
attempts AS (
  SELECT s.exec_id, s.wkex_id, row_number() OVER call AS attempt,
    jsonb_agg(s.error) OVER (call ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous
  FROM siblings s
  WINDOW call AS (PARTITION BY s.wkex_id, s.name, s.parent, s.call ORDER BY s.exec_started_at, s.exec_id)
),
derived AS (
  SELECT a.exec_id, CASE WHEN a.attempt > 1 THEN jsonb_strip_nulls(jsonb_build_object(
      'attemptNumber', a.attempt, 'previousErrors', a.previous,
      'maxRetries', w.wkex_attributes #> '{execution_config,retryStrategy,maxRetries}', 'derived', true)) END AS retry
  FROM attempts a LEFT JOIN "WorkflowExecutions" w ON w.wkex_id = a.wkex_id
)
UPDATE "SkillExecutions" k SET exec_attributes = CASE WHEN d.retry IS NULL
    THEN k.exec_attributes #- '{metadata,retry}'
    ELSE jsonb_set(k.exec_attributes, '{metadata,retry}', d.retry) END
FROM derived d
WHERE k.exec_id = d.exec_id
  AND (k.exec_attributes #> '{metadata,retry}' IS NULL OR k.exec_attributes #> '{metadata,retry,derived}' IS NOT NULL)
  AND k.exec_attributes #> '{metadata,retry}' IS DISTINCT FROM d.retry`);
}
