import { sql } from "drizzle-orm";
import { pgArray } from "./sql-values.js";
import { queryRows, type Transaction } from "./transaction.js";

/** Deepest walk: a span nested deeper than this under plain spans is left unattached. */
const MAX_DEPTH = 128;

export interface Attachments {
  /** Workflow executions that gained skills, model requests or db/http calls. */
  readonly workflows: string[];
  /** Skills that gained db/http calls. */
  readonly skills: string[];
  /** AI SDK calls / agent invocations found to be workflow executions of their own. */
  readonly standaloneAiCalls: Array<{ traceId: string; spanId: string }>;
}

/**
 * Attaches the not-yet-attached skills, model requests, AI calls and db/http spans of these
 * traces: walks "SpanLinks" up from each until a workflow span, a step span (whose workflow is
 * its parent), the root, or a span that has not arrived yet (it then waits for a later batch).
 * The nearest declared workflow wins; under none, the outermost AI call on the way (an AI SDK
 * call or agent invocation) is the workflow, and an AI call with no workflow and no AI call
 * above it becomes one. On the way it notes the nearest skill (a db/http span counts for it)
 * and the model requests that are wrappers of the one walking (not leaves: their tokens are
 * their children's). Span parents never change, so an attachment, once made, is final.
 */
export async function resolveAttachments(tx: Transaction, traceIds: readonly string[]): Promise<Attachments> {
  const rows = await queryRows<{
    kind: string;
    id: string | null;
    trace_id: string | null;
    span_id: string | null;
  }>(
    tx,
    sql`
WITH RECURSIVE pending AS (
  SELECT trace_id, span_id, parent_span_id, role, exec_id FROM "SpanLinks"
  WHERE trace_id = ANY(${pgArray(traceIds)}::varchar[])
    AND role IN ('skill', 'llm', 'ai_call', 'db', 'http') AND NOT resolved
),
walk AS (
  SELECT trace_id, span_id AS origin, parent_span_id AS node, 1 AS depth FROM pending WHERE parent_span_id IS NOT NULL
  UNION ALL
  SELECT w.trace_id, w.origin, l.parent_span_id, w.depth + 1
  FROM walk w JOIN "SpanLinks" l ON l.trace_id = w.trace_id AND l.span_id = w.node
  WHERE l.role NOT IN ('workflow', 'step') AND l.parent_span_id IS NOT NULL AND w.depth < ${MAX_DEPTH}
),
visited AS (
  -- LATERAL: one primary-key lookup per step of the walk (a plain join let the planner, misled
  -- by the recursive CTE's estimate, hash the whole table on every batch)
  SELECT w.trace_id, w.origin, w.depth, l.span_id IS NOT NULL AS known, l.span_id, l.role, l.exec_id, l.wkex_id, l.parent_span_id
  FROM walk w LEFT JOIN LATERAL (
    SELECT * FROM "SpanLinks" s WHERE s.trace_id = w.trace_id AND s.span_id = w.node LIMIT 1
  ) l ON true
),
ends AS (
  SELECT DISTINCT ON (trace_id, origin) * FROM visited ORDER BY trace_id, origin, depth DESC
),
outer_ai AS (
  SELECT DISTINCT ON (trace_id, origin) trace_id, origin, exec_id
  FROM visited WHERE role = 'ai_call' ORDER BY trace_id, origin, depth DESC
),
near_skill AS (
  SELECT DISTINCT ON (trace_id, origin) trace_id, origin, exec_id
  FROM visited WHERE role = 'skill' ORDER BY trace_id, origin, depth
),
outcome AS (
  SELECT p.trace_id, p.span_id, p.role, p.exec_id,
    CASE WHEN e.role = 'workflow' THEN e.exec_id
         WHEN e.role = 'step' THEN e.wkex_id
         WHEN p.role = 'ai_call' THEN coalesce(a.exec_id, p.exec_id)
         ELSE a.exec_id END AS wkex_id,
    a.exec_id IS NULL AND p.role = 'ai_call' AND (e.role IS NULL OR e.role NOT IN ('workflow', 'step')) AS standalone,
    CASE WHEN e.role = 'step' THEN e.exec_id END AS wstp_id,
    s.exec_id AS skill_id
  FROM pending p
  LEFT JOIN ends e ON e.trace_id = p.trace_id AND e.origin = p.span_id
  LEFT JOIN outer_ai a ON a.trace_id = p.trace_id AND a.origin = p.span_id
  LEFT JOIN near_skill s ON s.trace_id = p.trace_id AND s.origin = p.span_id
  WHERE p.parent_span_id IS NULL OR e.role IN ('workflow', 'step') OR (e.known AND e.parent_span_id IS NULL)
),
links_done AS (
  UPDATE "SpanLinks" l SET resolved = true, wkex_id = o.wkex_id,
    exec_id = CASE WHEN o.role IN ('db', 'http') THEN o.skill_id ELSE l.exec_id END
  FROM outcome o WHERE l.trace_id = o.trace_id AND l.span_id = o.span_id
),
skills_done AS (
  UPDATE "SkillExecutions" k
  SET wkex_id = o.wkex_id, exec_step_number = coalesce(k.exec_step_number, st.wstp_step_order)
  FROM outcome o LEFT JOIN "WorkflowStepExecutions" st ON st.wstp_id = o.wstp_id
  WHERE o.role = 'skill' AND k.exec_id = o.exec_id AND o.wkex_id IS NOT NULL
  RETURNING k.wkex_id
),
llm_targets AS (
  SELECT trace_id, span_id, wkex_id, false AS wrapper FROM outcome WHERE role = 'llm' AND wkex_id IS NOT NULL
  UNION ALL
  SELECT v.trace_id, v.span_id, NULL, true
  FROM visited v JOIN pending p ON p.trace_id = v.trace_id AND p.span_id = v.origin
  WHERE p.role = 'llm' AND v.role = 'llm'
),
llm_changes AS (
  -- one UPDATE per row: a request can be attached and found to be a wrapper in the same batch
  SELECT trace_id, span_id, (array_agg(wkex_id) FILTER (WHERE wkex_id IS NOT NULL))[1] AS wkex_id, bool_or(wrapper) AS wrapper
  FROM llm_targets GROUP BY trace_id, span_id
),
llm_done AS (
  UPDATE "LlmCalls" c SET wkex_id = coalesce(a.wkex_id, c.wkex_id), leaf = c.leaf AND NOT a.wrapper
  FROM llm_changes a WHERE c.trace_id = a.trace_id AND c.span_id = a.span_id
  RETURNING c.wkex_id
)
SELECT 'workflow' AS kind, wkex_id::text AS id, NULL AS trace_id, NULL AS span_id FROM skills_done
UNION SELECT 'workflow', wkex_id::text, NULL, NULL FROM llm_done WHERE wkex_id IS NOT NULL
UNION SELECT 'workflow', wkex_id::text, NULL, NULL FROM outcome WHERE role IN ('db', 'http') AND wkex_id IS NOT NULL
UNION SELECT 'skill', skill_id::text, NULL, NULL FROM outcome WHERE role IN ('db', 'http') AND skill_id IS NOT NULL
UNION SELECT 'ai_call', NULL, trace_id, span_id FROM outcome WHERE standalone`,
  );
  const ids = (kind: string) =>
    rows.filter((r) => r.kind === kind && r.id !== null).map((r) => r.id as string);
  return {
    workflows: ids("workflow"),
    skills: ids("skill"),
    standaloneAiCalls: rows
      .filter((r) => r.kind === "ai_call")
      .map((r) => ({ traceId: r.trace_id as string, spanId: r.span_id as string })),
  };
}
