import { sql } from "drizzle-orm";
import { pgArray } from "./sql-values.js";
import { queryRows, type Transaction } from "./transaction.js";

/** Deepest walk: a skill nested deeper than this under plain spans is left unattached. */
const MAX_DEPTH = 128;

/**
 * Attaches the not-yet-attached skills of these traces to their nearest ancestor workflow:
 * walks "SpanLinks" up from each skill until a workflow span, a step span (whose workflow is
 * its parent), the root, or a span that has not arrived yet (the skill then waits for a later
 * batch). Span parents never change, so an attachment, once made, is final.
 * Returns the workflow executions that gained skills.
 */
export async function resolveSkillWorkflows(tx: Transaction, traceIds: readonly string[]): Promise<string[]> {
  const rows = await queryRows<{ wkex_id: string }>(
    tx,
    sql`
WITH RECURSIVE pending AS (
  SELECT trace_id, span_id, parent_span_id, exec_id FROM "SpanLinks"
  WHERE trace_id = ANY(${pgArray(traceIds)}::varchar[]) AND role = 'skill' AND NOT resolved
),
walk AS (
  SELECT trace_id, span_id AS origin, parent_span_id AS node, 1 AS depth FROM pending WHERE parent_span_id IS NOT NULL
  UNION ALL
  SELECT w.trace_id, w.origin, l.parent_span_id, w.depth + 1
  FROM walk w JOIN "SpanLinks" l ON l.trace_id = w.trace_id AND l.span_id = w.node
  WHERE l.role NOT IN ('workflow', 'step') AND l.parent_span_id IS NOT NULL AND w.depth < ${MAX_DEPTH}
),
ends AS (
  SELECT DISTINCT ON (w.trace_id, w.origin)
    w.trace_id, w.origin, l.span_id IS NOT NULL AS known, l.role, l.exec_id, l.wkex_id, l.parent_span_id
  FROM walk w LEFT JOIN "SpanLinks" l ON l.trace_id = w.trace_id AND l.span_id = w.node
  ORDER BY w.trace_id, w.origin, w.depth DESC
),
outcome AS (
  SELECT p.trace_id, p.span_id, p.exec_id AS skill_exec_id,
    CASE WHEN e.role = 'workflow' THEN e.exec_id WHEN e.role = 'step' THEN e.wkex_id END AS wkex_id,
    CASE WHEN e.role = 'step' THEN e.exec_id END AS wstp_id
  FROM pending p LEFT JOIN ends e ON e.trace_id = p.trace_id AND e.origin = p.span_id
  WHERE p.parent_span_id IS NULL OR e.role IN ('workflow', 'step') OR (e.known AND e.parent_span_id IS NULL)
),
links_done AS (
  UPDATE "SpanLinks" l SET resolved = true, wkex_id = o.wkex_id
  FROM outcome o WHERE l.trace_id = o.trace_id AND l.span_id = o.span_id
),
skills_done AS (
  UPDATE "SkillExecutions" k
  SET wkex_id = o.wkex_id, exec_step_number = coalesce(k.exec_step_number, st.wstp_step_order)
  FROM outcome o LEFT JOIN "WorkflowStepExecutions" st ON st.wstp_id = o.wstp_id
  WHERE k.exec_id = o.skill_exec_id AND o.wkex_id IS NOT NULL
  RETURNING k.wkex_id
)
SELECT DISTINCT wkex_id FROM skills_done`,
  );
  return rows.map((row) => row.wkex_id);
}
