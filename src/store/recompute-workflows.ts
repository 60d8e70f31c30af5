import { type SQL, type SQLChunk, sql } from "drizzle-orm";
import {
  ERROR_STATUSES,
  type JsonObject,
  type SkillChange,
  type WorkflowAttributes,
  type WorkflowChange,
} from "../model/index.js";
import { AI_STEPS_LISTED, type BatchDerivation, roundedAsNumeric } from "./batch-derivation.js";
import { arrayParameters, keysOf, unnestSource } from "./insert-rows.js";
import { sqlList } from "./schema/columns.js";
import { skillExecutions, workflowExecutions } from "./schema/index.js";
import { chunks, isoUtc, pgArray } from "./sql-values.js";
import { StatementTexts } from "./statement-texts.js";
import { queryRows, type Transaction } from "./transaction.js";

/** Longest wkex_error_message kept in the column (it is in a btree index); the full text stays in metadata.error. */
export const ERROR_MESSAGE_COLUMN_LIMIT = 1000;

/**
 * What a workflow execution derives from its children, as the CTEs of a statement ending in
 * `derived` (d): one row for each of `workflows`, a row source aliased w with the table's
 * columns, whose children are found by `anyOfIds`: progress, average step duration, error step
 * and message, intermediate results; tokens, cost, ai_sdk_steps / ai_sdk_messages /
 * ai_sdk_callbacks from its leaf model requests, metadata.performance from its db/http client
 * spans (and cache hits: calls marked cache.hit, model requests reading a prompt cache) and
 * metadata.retrievals / guardrails / evaluations from those client calls; and, while the
 * workflow's own span has not arrived, its status (`running`), start and the context its steps
 * carry (min over steps, so order does not matter). Always from what is stored, never by
 * incrementing.
 */
function derivation(anyOfIds: SQL, workflows: SQL): SQL {
  const errors = sqlList(ERROR_STATUSES);
  return sql`st AS (
  SELECT s.wkex_id,
    count(*)::int AS seen_steps,
    (count(*) FILTER (WHERE s.wstp_status = 'completed'))::int AS completed_steps,
    avg(s.wstp_duration_ms)::real AS avg_step_ms,
    min(s.wstp_started_at) AS first_start,
    (array_agg(s.wstp_step_id ORDER BY s.wstp_step_order DESC NULLS LAST, s.wstp_started_at DESC, s.wstp_id DESC))[1] AS current_step_id,
    max(s.wstp_step_order) AS current_step_order,
    (array_agg(s.wstp_step_id ORDER BY s.wstp_step_order NULLS LAST, s.wstp_started_at, s.wstp_id)
      FILTER (WHERE s.wstp_status IN (${errors})))[1] AS failed_step_id,
    (array_agg(s.wstp_error_message ORDER BY s.wstp_step_order NULLS LAST, s.wstp_started_at, s.wstp_id)
      FILTER (WHERE s.wstp_status IN (${errors})))[1] AS failed_step_error,
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
  FROM "WorkflowStepExecutions" s WHERE s.wkex_id = ${anyOfIds}
  GROUP BY s.wkex_id
),
sk AS (
  SELECT k.wkex_id,
    min(k.exec_started_at) AS first_start,
    (array_agg(k.exec_step_number ORDER BY k.exec_started_at, k.exec_id)
      FILTER (WHERE k.exec_status IN (${errors})))[1] AS failed_step_number,
    (array_agg(k.exec_skill_name ORDER BY k.exec_started_at, k.exec_id)
      FILTER (WHERE k.exec_status IN (${errors})))[1] AS failed_skill,
    (array_agg(k.exec_error_message ORDER BY k.exec_started_at, k.exec_id)
      FILTER (WHERE k.exec_status IN (${errors})))[1] AS failed_skill_error
  FROM "SkillExecutions" k WHERE k.wkex_id = ${anyOfIds}
  GROUP BY k.wkex_id
),
llm AS (
  SELECT c.wkex_id,
    sum(c.total_tokens)::bigint AS tokens,
    (count(*) FILTER (WHERE c.cached_input_tokens > 0))::int AS cache_reads,
    sum(c.cost_usd) AS cost,
    jsonb_build_object(
      'totalTokens', sum(c.total_tokens), 'inputTokens', sum(c.input_tokens), 'outputTokens', sum(c.output_tokens),
      'cachedInputTokens', sum(c.cached_input_tokens), 'cacheWriteTokens', sum(c.cache_write_tokens),
      'reasoningTokens', sum(c.reasoning_tokens), 'estimatedCost', round(sum(c.cost_usd)::numeric, 8),
      'currency', 'USD', 'llmCalls', count(*),
      'unpricedCalls', count(*) FILTER (WHERE c.cost_usd IS NULL AND c.total_tokens > 0),
      'reportedCostCalls', count(*) FILTER (WHERE c.cost_source = 'reported'),
      'models', to_jsonb(array_agg(DISTINCT c.model) FILTER (WHERE c.model IS NOT NULL)),
      -- the model that used the most tokens: what the "By model" cost panel groups by
      'model', (array_agg(c.model ORDER BY c.total_tokens DESC, c.n) FILTER (WHERE c.model IS NOT NULL))[1]
    ) AS cost_metadata,
    jsonb_build_object(
      'ai_sdk_steps', jsonb_agg(c.step || jsonb_build_object('stepId', 'step-' || c.n) ORDER BY c.n),
      'ai_sdk_messages', coalesce(
        (array_agg(c.messages ORDER BY c.completed_at DESC, c.n DESC) FILTER (WHERE c.messages IS NOT NULL))[1], '[]'::jsonb),
      'ai_sdk_callbacks', jsonb_build_object(
        'onStepStart', jsonb_agg(jsonb_build_object('timestamp', ${isoUtc(sql`c.started_at`)}, 'stepId', 'step-' || c.n) ORDER BY c.n),
        'onStepFinish', jsonb_agg(jsonb_build_object('timestamp', ${isoUtc(sql`c.completed_at`)}, 'stepId', 'step-' || c.n,
          'result', CASE WHEN c.error_message IS NULL THEN 'success' ELSE 'error' END, 'finishReason', c.finish_reason)
          ORDER BY c.n),
        'onError', coalesce(jsonb_agg(jsonb_build_object('timestamp', ${isoUtc(sql`c.completed_at`)}, 'stepId', 'step-' || c.n,
          'error', c.error_message) ORDER BY c.n) FILTER (WHERE c.error_message IS NOT NULL), '[]'::jsonb))) AS ai_sdk
  FROM (
    SELECT l.*, row_number() OVER (PARTITION BY l.wkex_id ORDER BY l.started_at, l.span_id) AS n
    FROM "LlmCalls" l WHERE l.wkex_id = ${anyOfIds} AND l.leaf
  ) c
  GROUP BY c.wkex_id
),
perf AS (
  SELECT c.wkex_id, jsonb_build_object(
      'dbQueries', count(*) FILTER (WHERE c.kind = 'db'), 'apiCalls', count(*) FILTER (WHERE c.kind = 'http')) AS performance,
    (count(*) FILTER (WHERE c.cache_hit))::int AS cache_hits
  FROM "ClientCalls" c WHERE c.wkex_id = ${anyOfIds} AND (c.kind IN ('db', 'http') OR c.cache_hit)
  GROUP BY c.wkex_id
),
-- retrievals, guardrails and evaluations: how many, and the first ${sql.raw(String(AI_STEPS_LISTED))} with what they did
ai_steps AS (
  SELECT a.wkex_id, jsonb_object_agg(a.key, a.entry) AS patch
  FROM (
    SELECT c.wkex_id, CASE c.kind WHEN 'retrieval' THEN 'retrievals' WHEN 'guardrail' THEN 'guardrails' ELSE 'evaluations' END AS key,
      jsonb_build_object('count', count(*), 'items', to_jsonb((array_agg(
        coalesce(c.detail, '{}'::jsonb) || jsonb_build_object('spanId', c.span_id, 'startedAt', ${isoUtc(sql`c.started_at`)}, 'durationMs', c.duration_ms)
        ORDER BY c.started_at, c.span_id))[1:${sql.raw(String(AI_STEPS_LISTED))}])) AS entry
    FROM "ClientCalls" c WHERE c.wkex_id = ${anyOfIds} AND c.kind IN ('retrieval', 'guardrail', 'evaluation')
    GROUP BY c.wkex_id, c.kind
  ) a
  GROUP BY a.wkex_id
),
derived AS (
  SELECT w.wkex_id AS target_id,
    CASE WHEN w.wkex_span_received THEN w.wkex_status
         WHEN w.wkex_status = 'timeout' THEN 'timeout'
         ELSE 'running' END AS status,
    st.*, sk.first_start AS skill_first_start, sk.failed_step_number, sk.failed_skill, sk.failed_skill_error,
    llm.wkex_id IS NOT NULL AS has_llm, llm.tokens, llm.cost, coalesce(llm.ai_sdk, '{}'::jsonb) AS ai_sdk,
    CASE WHEN llm.wkex_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('cost', llm.cost_metadata) END
      || CASE WHEN perf.wkex_id IS NULL AND coalesce(llm.cache_reads, 0) = 0 THEN '{}'::jsonb
         -- cache hits: calls marked cache.hit and model requests that read a prompt cache
         ELSE jsonb_build_object('performance', coalesce(perf.performance, '{}'::jsonb)
           || jsonb_build_object('cacheHits', coalesce(perf.cache_hits, 0) + coalesce(llm.cache_reads, 0))) END
      || coalesce(ai_steps.patch, '{}'::jsonb)
      AS metadata_patch,
    (SELECT s2.wstp_step_id FROM "WorkflowStepExecutions" s2
      WHERE s2.wkex_id = w.wkex_id AND s2.wstp_step_order = sk.failed_step_number
      ORDER BY s2.wstp_id LIMIT 1) AS failed_skill_step_id,
    false AS finished, NULL::jsonb AS sorted_models
  FROM ${workflows}
  LEFT JOIN st ON st.wkex_id = w.wkex_id
  LEFT JOIN sk ON sk.wkex_id = w.wkex_id
  LEFT JOIN llm ON llm.wkex_id = w.wkex_id
  LEFT JOIN perf ON perf.wkex_id = w.wkex_id
  LEFT JOIN ai_steps ON ai_steps.wkex_id = w.wkex_id
)`;
}

/** The columns a workflow execution derives ({@link derivation}), as expressions of w and d. */
const DERIVED_COLUMNS: ReadonlyArray<readonly [string, SQL]> = (() => {
  const errors = sqlList(ERROR_STATUSES);
  return [
    ["wkex_status", sql`d.status`],
    ["wkex_completed_steps", sql`coalesce(d.completed_steps, 0)`],
    ["wkex_current_step_id", sql`d.current_step_id`],
    ["wkex_current_step_order", sql`coalesce(d.current_step_order, 0)`],
    ["wkex_avg_step_duration_ms", sql`d.avg_step_ms`],
    [
      "wkex_total_steps",
      sql`coalesce(
    CASE WHEN w.wkex_span_received THEN greatest(w.wkex_total_steps, d.seen_steps)
         ELSE greatest(d.p_total_steps, d.seen_steps) END, 0)`,
    ],
    [
      "wkex_error_step",
      sql`CASE WHEN d.status IN (${errors})
    THEN left(coalesce(d.failed_step_id, d.failed_skill_step_id, d.failed_skill), 100) END`,
    ],
    [
      "wkex_error_message",
      sql`CASE WHEN d.status IN (${errors})
    THEN left(coalesce(w.wkex_attributes #>> '{metadata,error,message}', d.failed_step_error, d.failed_skill_error), ${ERROR_MESSAGE_COLUMN_LIMIT}) END`,
    ],
    ["wkex_total_tokens", sql`CASE WHEN d.has_llm THEN d.tokens ELSE w.wkex_total_tokens END`],
    ["wkex_cost_usd", sql`CASE WHEN d.has_llm THEN d.cost ELSE w.wkex_cost_usd END`],
    [
      "wkex_attributes",
      sql`CASE WHEN d.finished AND d.sorted_models IS NULL THEN w.wkex_attributes
    WHEN d.finished THEN jsonb_set(w.wkex_attributes, '{metadata,cost,models}', d.sorted_models)
    ELSE jsonb_set(
    jsonb_set(
      CASE WHEN w.wkex_span_received OR d.p_execution_config IS NULL THEN w.wkex_attributes
           ELSE jsonb_set(w.wkex_attributes, '{execution_config}', d.p_execution_config) END,
      '{intermediate_results}', coalesce(d.results, '{}'::jsonb)) || d.ai_sdk,
    '{metadata}', coalesce(w.wkex_attributes -> 'metadata', '{}'::jsonb) || d.metadata_patch) END`,
    ],
    [
      "wkex_started_at",
      sql`CASE WHEN w.wkex_span_received THEN w.wkex_started_at
    ELSE coalesce(least(d.first_start, d.skill_first_start), w.wkex_started_at) END`,
    ],
    [
      "wkex_execution_id",
      sql`CASE
    WHEN w.wkex_span_received OR d.p_execution_id IS NULL THEN w.wkex_execution_id
    WHEN EXISTS (SELECT 1 FROM "WorkflowExecutions" o WHERE o.wkex_execution_id = d.p_execution_id AND o.wkex_id <> w.wkex_id)
      THEN w.wkex_execution_id
    ELSE d.p_execution_id END`,
    ],
    ["wkfl_id", sql`CASE WHEN w.wkex_span_received THEN w.wkfl_id ELSE d.p_workflow_id::uuid END`],
    ["wkex_workflow_name", sql`CASE WHEN w.wkex_span_received THEN w.wkex_workflow_name ELSE d.p_name END`],
    ["companion_id", sql`CASE WHEN w.wkex_span_received THEN w.companion_id ELSE d.p_companion_id::uuid END`],
    ["user_id", sql`CASE WHEN w.wkex_span_received THEN w.user_id ELSE d.p_user_id::uuid END`],
    [
      "organization_id",
      sql`CASE WHEN w.wkex_span_received THEN w.organization_id ELSE d.p_organization_id::uuid END`,
    ],
    ["wkex_session_id", sql`CASE WHEN w.wkex_span_received THEN w.wkex_session_id ELSE d.p_session_id END`],
    [
      "wkex_conversation_id",
      sql`CASE WHEN w.wkex_span_received THEN w.wkex_conversation_id ELSE d.p_conversation_id END`,
    ],
  ];
})();

/** The SQL names of the derived columns. */
const DERIVED_NAMES = new Set(DERIVED_COLUMNS.map(([column]) => column));

const derivedColumnList = (expression: (column: string, value: SQL) => SQL) =>
  sql.join(
    DERIVED_COLUMNS.map(([column, value]) => expression(column, value)),
    sql`, `,
  );

/**
 * Children are found by "wkex_id = ANY(array)", not by joining a CTE of the ids: the planner
 * estimates the array and uses the indexes, where a join made it scan whole tables.
 */
const anyOf = (wkexIds: SQLChunk) => sql`ANY(${wkexIds}::uuid[])`;

/** Recomputes what the given stored workflow executions derive from their children (see {@link derivation}). */
export async function recomputeWorkflows(tx: Transaction, wkexIds: readonly string[]): Promise<void> {
  if (wkexIds.length === 0) return;
  await tx.execute(sql`
WITH ids AS (SELECT DISTINCT unnest(${pgArray(wkexIds)}::uuid[]) AS wkex_id),
${derivation(anyOf(pgArray(wkexIds)), sql`"WorkflowExecutions" w JOIN ids ON ids.wkex_id = w.wkex_id`)}
UPDATE "WorkflowExecutions" w SET ${derivedColumnList((column, value) => sql`${sql.identifier(column)} = ${value}`)}
FROM derived d
WHERE w.wkex_id = d.target_id`);
}

/** A workflow execution's row as its own span gives it (what it derives from its children aside). */
function workflowRow(w: WorkflowChange, attributes = w.attributes) {
  return {
    wkexId: w.wkexId,
    executionId: w.executionId,
    workflowId: w.workflowId,
    workflowName: w.workflowName,
    companionId: w.companionId,
    userId: w.userId,
    organizationId: w.organizationId,
    sessionId: w.sessionId,
    conversationId: w.conversationId,
    status: w.status,
    totalSteps: w.totalSteps,
    startedAt: w.startedAt,
    completedAt: w.completedAt,
    totalDurationMs: w.durationMs,
    debugMode: w.debugMode,
    logLevel: w.logLevel,
    attributes,
    traceId: w.traceId,
    spanId: w.spanId,
    spanReceived: true,
  };
}

/** The fields of a {@link BatchDerivation} the statement reads; the rest is in the finished attributes. */
const DERIVATION_FIELDS = [
  "target_id",
  "status",
  "seen_steps",
  "completed_steps",
  "step_ms_sum",
  "step_ms_count",
  "current_step_id",
  "current_step_order",
  "failed_step_id",
  "failed_step_error",
  "failed_step_number",
  "failed_skill",
  "failed_skill_error",
  "failed_skill_step_id",
  "has_llm",
  "tokens",
  "cost",
  "models",
] satisfies ReadonlyArray<keyof BatchDerivation>;

/**
 * A workflow's attributes finished in memory with what the batch derived (wkex_attributes of
 * {@link DERIVED_COLUMNS}, made without rebuilding the document in PostgreSQL four times): the
 * intermediate results, ai_sdk_*, and the metadata patch with the cost, its estimate rounded as
 * PostgreSQL rounds it. The models are left null for PostgreSQL to order (its collation).
 */
function finishedAttributes(attributes: WorkflowAttributes, d: BatchDerivation): WorkflowAttributes {
  const cost: JsonObject = d.has_llm
    ? {
        cost: {
          ...d.cost_metadata,
          estimatedCost: d.cost === undefined || d.cost === null ? null : roundedAsNumeric(d.cost, 8),
          models: null,
        },
      }
    : {};
  return {
    ...attributes,
    intermediate_results: d.results ?? {},
    ...(d.ai_sdk as Partial<WorkflowAttributes> | undefined),
    metadata: { ...attributes.metadata, ...cost, ...d.patch },
  };
}

/**
 * The `derived` CTE from derivations made in memory ({@link BatchDerivation}), `derivations`
 * their JSON array ({@link DERIVATION_FIELDS}): the same columns as {@link derivation}'s, for
 * workflows whose own span is in the batch (so what only a workflow without one derives is null),
 * and whose attributes are finished ({@link finishedAttributes}). PostgreSQL finishes what depends
 * on its arithmetic and collation: the average step duration, the models in order.
 */
function derivedInBatch(derivations: SQLChunk): SQL {
  return sql`derived AS (
  SELECT v.target_id, v.status, v.seen_steps, v.completed_steps,
    (v.step_ms_sum::numeric / nullif(v.step_ms_count, 0))::real AS avg_step_ms,
    v.current_step_id, v.current_step_order, v.failed_step_id, v.failed_step_error, NULL::jsonb AS results,
    NULL::text AS p_execution_id, NULL::text AS p_workflow_id, NULL::text AS p_name, NULL::int AS p_total_steps,
    NULL::text AS p_companion_id, NULL::text AS p_user_id, NULL::text AS p_organization_id, NULL::text AS p_session_id,
    NULL::text AS p_conversation_id, NULL::jsonb AS p_execution_config,
    NULL::timestamptz AS first_start, NULL::timestamptz AS skill_first_start,
    v.failed_step_number, v.failed_skill, v.failed_skill_error, v.has_llm, v.tokens, v.cost,
    '{}'::jsonb AS ai_sdk, '{}'::jsonb AS metadata_patch, v.failed_skill_step_id, true AS finished,
    (SELECT to_jsonb(array_agg(DISTINCT m.model)) FROM jsonb_array_elements_text(v.models) AS m(model)) AS sorted_models
  FROM jsonb_to_recordset(${derivations}::jsonb) AS v(target_id uuid, status text, seen_steps int,
    completed_steps int, step_ms_sum bigint, step_ms_count int, current_step_id text, current_step_order int,
    failed_step_id text, failed_step_error text, failed_step_number int, failed_skill text,
    failed_skill_error text, failed_skill_step_id text, has_llm boolean, tokens bigint, cost double precision,
    models jsonb)
)`;
}

/**
 * Writes workflow executions from their own spans, each with what it derives from the children
 * stored by then ({@link derivation}), or, for those in `inBatch` that have no row yet, from what
 * was derived in memory from the batch that holds all of them: the row is written once, where an insert followed by its
 * recomputation wrote it (and its 18 index entries, and its rollup notes) twice. The span is the
 * truth about the workflow: every column it sets is overwritten; of what it does not set, only
 * tokens and cost are kept from the stored row (when no model request below says otherwise).
 * Returns the ids of those that had no row before.
 */
export async function writeWorkflows(
  tx: Transaction,
  workflows: readonly WorkflowChange[],
  inBatch: ReadonlyMap<string, BatchDerivation> = new Map(),
): Promise<Set<string>> {
  const created = new Set<string>();
  const fromStored = workflows.filter((w) => !inBatch.has(w.wkexId));
  const fromBatch = workflows.filter((w) => inBatch.has(w.wkexId));
  for (const part of chunks(fromStored, 5000)) {
    for (const id of await writeWorkflowRows(tx, part, { from: "stored" })) created.add(id);
  }
  for (const part of chunks(fromBatch, 5000)) {
    const derivations = part.map((w) => inBatch.get(w.wkexId) as BatchDerivation);
    const ids = new Set(await writeWorkflowRows(tx, part, { from: "batch", derivations }, { onlyNew: true }));
    for (const id of ids) created.add(id);
    // a row stored after all (its trace's index entries gone before it): derived from what is stored
    const stored = part.filter((w) => !ids.has(w.wkexId));
    if (stored.length > 0) await writeWorkflowRows(tx, stored, { from: "stored" });
  }
  return created;
}

/** What a workflow row's derived columns come from: its stored children, or the batch's derivation. */
type DerivedFrom =
  | { readonly from: "stored" }
  | { readonly from: "batch"; readonly derivations: readonly BatchDerivation[] };

/** The workflow writes' statement texts, by their columns and what they derive from. */
const WORKFLOW_WRITES = new StatementTexts();

/**
 * One INSERT … ON CONFLICT of workflow rows with their derived columns; `onlyNew` leaves the rows
 * that exist alone. Returns the ids of the rows it created.
 */
async function writeWorkflowRows(
  tx: Transaction,
  workflows: readonly WorkflowChange[],
  derivedFrom: DerivedFrom,
  { onlyNew = false } = {},
): Promise<string[]> {
  const rows = workflows.map((w, i) =>
    derivedFrom.from === "stored"
      ? workflowRow(w)
      : workflowRow(w, finishedAttributes(w.attributes, derivedFrom.derivations[i] as BatchDerivation)),
  );
  const keys = keysOf(workflowExecutions, rows);
  const statement = WORKFLOW_WRITES.statement(
    `${derivedFrom.from}${onlyNew ? ", new only" : ""}: ${keys.join(",")}`,
    (parameters) => {
      const from = parameters[keys.length];
      const derived =
        derivedFrom.from === "stored" ? derivation(anyOf(from), sql`incoming w`) : derivedInBatch(from);
      return workflowRowsSql(keys, parameters.slice(0, keys.length), derived, onlyNew);
    },
    [
      ...arrayParameters(workflowExecutions, keys, rows),
      derivedFrom.from === "stored"
        ? pgArray(workflows.map((w) => w.wkexId))
        : JSON.stringify(derivedFrom.derivations, DERIVATION_FIELDS),
    ],
  );
  return (await queryRows<{ id: string }>(tx, statement)).map((row) => row.id);
}

/**
 * The statement of {@link writeWorkflowRows}: rows of the columns `keys` (their arrays `arrays`),
 * with the CTEs `derived` (ending in one named derived).
 */
function workflowRowsSql(
  keys: readonly (keyof typeof workflowExecutions.$inferSelect & string)[],
  arrays: readonly SQLChunk[],
  derived: SQL,
  onlyNew: boolean,
): SQL {
  const own = keys.map((key) => workflowExecutions[key].name).filter((column) => !DERIVED_NAMES.has(column));
  const written = [...own, ...DERIVED_NAMES];
  return sql`
WITH incoming AS (
  SELECT u.*, s.wkex_total_tokens, s.wkex_cost_usd, s.wkex_id IS NULL AS created
  FROM ${unnestSource(workflowExecutions, keys, arrays)} LEFT JOIN "WorkflowExecutions" s ON s.wkex_id = u.wkex_id
),
${derived},
written AS (
INSERT INTO "WorkflowExecutions" (${sql.join(
    written.map((column) => sql.identifier(column)),
    sql`, `,
  )})
SELECT ${sql.join(
    own.map((column) => sql`w.${sql.identifier(column)}`),
    sql`, `,
  )}, ${derivedColumnList((_, value) => value)}
FROM incoming w JOIN derived d ON d.target_id = w.wkex_id${onlyNew ? sql` WHERE w.created` : sql``}
ON CONFLICT (wkex_id) DO UPDATE SET ${sql.join(
    written
      .filter((column) => column !== "wkex_id")
      .map((column) => sql`${sql.identifier(column)} = excluded.${sql.identifier(column)}`),
    sql`, `,
  )})
SELECT wkex_id AS id FROM incoming WHERE created`;
}

/** The ids a skill takes from its workflow execution when its own span lacks them (same keys in both). */
const INHERITED = ["companionId", "userId", "organizationId", "sessionId", "conversationId"] as const;

type InheritedId = (typeof INHERITED)[number];

/** A skill column and the workflow column it is inherited from, as SQL names. */
const INHERITED_COLUMNS = INHERITED.map(
  (key) => [skillExecutions[key].name, workflowExecutions[key].name] as const,
);

/**
 * The ids of a skill of the batch, with those its span lacked taken from its workflow execution,
 * and its attributes naming them, when that workflow's own span is in the batch too: what
 * inheritWorkflowIds would do after the insert, done before it, so that the row is written once
 * and that statement finds nothing left to do.
 */
export function inheritedIds(
  skill: Pick<SkillChange, InheritedId | "attributes">,
  workflow: Pick<WorkflowChange, InheritedId>,
): Pick<SkillChange, InheritedId | "attributes"> {
  const filled = INHERITED.filter((key) => skill[key] === null && workflow[key] !== null);
  if (filled.length === 0) return skill;
  const take = (key: InheritedId) => skill[key] ?? workflow[key];
  const { input_data, output_data, metadata } = skill.attributes;
  const before = Array.isArray(metadata.inherited_ids) ? metadata.inherited_ids : [];
  return {
    companionId: take("companionId"),
    userId: take("userId"),
    organizationId: take("organizationId"),
    sessionId: take("sessionId"),
    conversationId: take("conversationId"),
    attributes: {
      input_data,
      output_data,
      metadata: {
        ...metadata,
        inherited_ids: [...before, ...filled.map((key) => skillExecutions[key].name)],
      },
    },
  };
}

/**
 * Fills the ids a skill's own span lacked from its workflow execution, once that workflow's
 * own span has arrived (so the values are final and arrival order does not matter). The columns
 * filled are named in metadata.inherited_ids, so that a skill moved to another workflow (a late
 * ancestor) takes them from that one instead (see forgetInheritedIds).
 */
export async function inheritWorkflowIds(tx: Transaction, wkexIds: readonly string[]): Promise<void> {
  if (wkexIds.length === 0) return;
  const filled = sql.join(
    INHERITED_COLUMNS.map(
      ([own, workflow]) =>
        sql`CASE WHEN k.${sql.raw(own)} IS NULL AND w.${sql.raw(workflow)} IS NOT NULL THEN ${own} END`,
    ),
    sql`, `,
  );
  const own = (column: string) => sql`k.${sql.identifier(column)}`;
  const taken = ([skill, workflow]: readonly [string, string]) =>
    sql`coalesce(k.${sql.identifier(skill)}, w.${sql.identifier(workflow)})`;
  await tx.execute(sql`
UPDATE "SkillExecutions" k SET
  ${sql.join(
    INHERITED_COLUMNS.map((pair) => sql`${sql.identifier(pair[0])} = ${taken(pair)}`),
    sql`, `,
  )},
  exec_attributes = jsonb_set(k.exec_attributes, '{metadata,inherited_ids}',
    coalesce(k.exec_attributes #> '{metadata,inherited_ids}', '[]'::jsonb)
      || to_jsonb(array_remove(ARRAY[${filled}]::text[], NULL)))
FROM "WorkflowExecutions" w
WHERE w.wkex_id = ANY(${pgArray(wkexIds)}::uuid[]) AND w.wkex_span_received AND k.wkex_id = w.wkex_id
  -- one row comparison, not "k.companion_id IS NULL OR …": those the planner answers with bitmap
  -- scans of the id indexes' NULL entries, which grow with the table (every batch slower)
  AND (${sql.join(
    INHERITED_COLUMNS.map(([skill]) => own(skill)),
    sql`, `,
  )}) IS DISTINCT FROM (${sql.join(INHERITED_COLUMNS.map(taken), sql`, `)})`);
}

/** The SET list that clears the ids a skill took from its former workflow execution. */
export function forgetInheritedIds(skill: SQL): SQL {
  const cleared = INHERITED_COLUMNS.map(
    ([own]) =>
      sql`${sql.raw(own)} = CASE WHEN ${skill}.exec_attributes #> '{metadata,inherited_ids}' ? ${own} THEN NULL ELSE ${skill}.${sql.raw(own)} END`,
  );
  return sql.join(
    [...cleared, sql`exec_attributes = ${skill}.exec_attributes #- '{metadata,inherited_ids}'`],
    sql`, `,
  );
}
