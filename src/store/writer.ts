import { sql } from "drizzle-orm";
import type {
  ClientCallChange,
  ExecutionChanges,
  LlmCallChange,
  SkillChange,
  SpanNode,
  StepChange,
  WorkflowChange,
} from "../model/index.js";
import { applyResolution, type RowAttachments, rowAttachmentsOf } from "./attach/apply.js";
import { keyOf, resolveBatch } from "./attach/resolve.js";
import { loadStoredContext } from "./attach/span-index.js";
import type { BatchChildren } from "./batch-derivation.js";
import type { Database } from "./database.js";
import { writeEntrySpans } from "./entry-spans.js";
import { claimExecutionIds } from "./execution-ids.js";
import { upsert, upsertRows } from "./insert-rows.js";
import { derivedSkillMetadata } from "./recompute-skills.js";
import { inheritedIds } from "./recompute-workflows.js";
import { clientCalls, llmCalls, skillExecutions, workflowStepExecutions } from "./schema/index.js";
import { deriveSkillsInBatch } from "./skill-derivation.js";
import { sqlState } from "./sql-state.js";
import { pgArray } from "./sql-values.js";
import type { Transaction } from "./transaction.js";

export interface WriteSummary {
  readonly workflows: number;
  readonly steps: number;
  readonly skills: number;
  readonly spans: number;
}

export interface WriteResult extends WriteSummary {
  /** Workflow executions made of AI spans (agent or AI SDK calls, lone model requests or tool calls). */
  readonly aiWorkflows: readonly WorkflowChange[];
}

/**
 * SQLSTATEs after which the whole transaction is simply run again: serialization failures,
 * deadlocks, a unique row two writers inserted at once, and a prepared statement a pooler lost
 * (42P05, 26000: statements are no longer prepared then, see prepared-statements.ts).
 */
const RETRY_SQLSTATES = new Set(["40001", "40P01", "23505", "42P05", "26000"]);
const MAX_ATTEMPTS = 4;

export function summarize(changes: ExecutionChanges): WriteSummary {
  return {
    workflows: changes.workflows.length,
    steps: changes.steps.length,
    skills: changes.skills.length,
    spans: changes.nodes.length,
  };
}

/**
 * Writes one batch of changes in one transaction. Traces are locked first (advisory, in a fixed
 * order) so that two batches of one trace, on any number of execlens processes, are merged one
 * after the other. Each span is placed in its trace in memory (see resolveBatch), so rows are
 * written once with their workflow; only spans stored earlier whose place changed are updated.
 */
export async function writeChanges(db: Database, changes: ExecutionChanges): Promise<WriteResult> {
  const summary = summarize(changes);
  if (changes.nodes.length === 0) return { ...summary, aiWorkflows: [] };
  for (let attempt = 1; ; attempt++) {
    try {
      const aiWorkflows = await db.transaction((tx) => writeInTransaction(tx, changes));
      return { ...summary, workflows: summary.workflows + aiWorkflows.length, aiWorkflows };
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !RETRY_SQLSTATES.has(sqlState(error) ?? "")) throw error;
    }
  }
}

async function writeInTransaction(tx: Transaction, changes: ExecutionChanges): Promise<WorkflowChange[]> {
  const traceIds = [...new Set(changes.nodes.map((node) => node.traceId))].sort();
  await lockTraces(tx, traceIds);
  const stored = await loadStoredContext(tx, lookupKeys(changes.nodes), changes.nodes, traceIds);
  const resolution = resolveBatch(changes.nodes, stored);
  const rows = rowAttachmentsOf(resolution);
  // written last, with what they derive from the children written before them
  const workflows = await claimExecutionIds(tx, changes.workflows);
  const enteredIds = await writeEntrySpans(tx, changes.entrySpans);
  const stubIds = await insertWorkflowStubs(tx, changes.nodes, workflows);
  const llmRows = llmCallRows(changes.llmCalls, rows);
  const callRows = clientCallRows(changes.clientCalls, rows);
  const skills = skillRows(changes.skills, rows, workflowsInBatch(workflows, changes.candidates, rows));
  await upsertSteps(tx, changes.steps);
  // the calls first: a skill row is written with what it derives from the calls below it
  await upsertLlmCalls(tx, llmRows);
  await upsertClientCalls(tx, callRows);
  const storedTraces = new Set([...stored.indexedTraces, ...stored.openTraces, ...stored.settledTraces]);
  const nothingStored = (traceId: string) => !storedTraces.has(traceId);
  await upsertSkills(
    tx,
    skills,
    deriveSkillsInBatch(
      skills.filter((s) => nothingStored(s.traceId)),
      { llmCalls: llmRows, clientCalls: callRows },
    ),
  );
  return applyResolution(tx, resolution, rows, {
    openTraceIds: traceIds.filter((id) => stored.openTraces.has(id)),
    entrySpans: changes.entrySpans.length > 0 || stored.enteredTraces.size > 0,
    candidates: changes.candidates,
    workflowIds: [...stubIds, ...enteredIds],
    writtenSkills: changes.skills,
    workflows,
    batch: {
      children: { steps: changes.steps, skills, llmCalls: llmRows, clientCalls: callRows },
      nothingStored,
    },
  });
}

/** The workflow executions whose own span is in the batch, declared or AI, by wkex_id. */
function workflowsInBatch(
  declared: readonly WorkflowChange[],
  candidates: readonly WorkflowChange[],
  rows: RowAttachments,
): Map<string, WorkflowChange> {
  const standalone = new Set(rows.standalone.map((s) => keyOf(s.traceId, s.spanId)));
  const ai = candidates.filter((c) => standalone.has(keyOf(c.traceId, c.spanId)));
  return new Map([...declared, ...ai].map((w) => [w.wkexId, w]));
}

/** The batch's spans and their parents outside the batch: the index entries resolution reads. */
function lookupKeys(nodes: readonly SpanNode[]): Array<{ traceId: string; spanId: string }> {
  const keys = new Map<string, { traceId: string; spanId: string }>();
  for (const node of nodes) {
    keys.set(keyOf(node.traceId, node.spanId), node);
    if (node.parentSpanId !== null) {
      keys.set(keyOf(node.traceId, node.parentSpanId), { traceId: node.traceId, spanId: node.parentSpanId });
    }
  }
  return [...keys.values()];
}

/**
 * A write transaction's first statement: the traces' locks, and generic plans for the rest of the
 * transaction. The writer's statements are prepared and their values travel as arrays, so a plan
 * made for one batch's values serves every batch; left to choose, PostgreSQL kept planning some of
 * them for each run (the workflow recomputation, the stored context, the skill updates: up to 4 ms
 * each; planning was a fifth of the server's time in the writer's statements, 1,024 of 5,373 ms per
 * 2,000 traces). `bench:explain-writer` checks the generic plan of every writer statement on big
 * tables.
 */
export async function lockTraces(tx: Transaction, sortedTraceIds: readonly string[]): Promise<void> {
  const keys = sortedTraceIds.map((id) => BigInt.asIntN(64, BigInt(`0x${id.slice(0, 16)}`)).toString());
  await tx.execute(sql`SELECT count(pg_advisory_xact_lock(k)), set_config('plan_cache_mode', 'force_generic_plan', true)
    FROM unnest(${pgArray(keys)}::bigint[]) AS k`);
}

/**
 * A step names its workflow execution (its parent span) before that span may have arrived:
 * the workflow row is created then, `running`, and filled in by recomputation.
 */
async function insertWorkflowStubs(
  tx: Transaction,
  nodes: readonly SpanNode[],
  workflows: readonly WorkflowChange[],
): Promise<string[]> {
  const own = new Set(workflows.map((w) => w.wkexId));
  const stubs = new Map<string, { id: string; trace: string; span: string }>();
  for (const node of nodes) {
    if (node.role === "step" && node.wkexId !== null && node.parentSpanId !== null) {
      stubs.set(node.wkexId, { id: node.wkexId, trace: node.traceId, span: node.parentSpanId });
    }
  }
  const missing = [...stubs.values()].filter((stub) => !own.has(stub.id));
  if (missing.length > 0) {
    // ON CONFLICT without a target: an existing row, whatever its execution id, is left alone.
    await tx.execute(sql`
INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkex_status, wkex_trace_id, wkex_span_id)
SELECT v.id, v.id::text, 'running', v.trace, v.span
FROM jsonb_to_recordset(${JSON.stringify(missing)}::jsonb) AS v(id uuid, trace varchar, span varchar)
ON CONFLICT DO NOTHING`);
  }
  return [...stubs.keys()];
}

const STEPS = upsert(workflowStepExecutions, ["wstpId"], { wstpId: "stored", createdAt: "stored" });

async function upsertSteps(tx: Transaction, steps: readonly StepChange[]): Promise<void> {
  await upsertRows(tx, STEPS, steps);
}

/**
 * A skill row comes from its own span and its place in the trace (workflow, step number), with
 * the ids its span lacked taken from its workflow when that workflow's own span is in the batch.
 * The rows of the batch's changes are written out field by field: spread from the change
 * (`{ ...s, wkexId }`), every row got a hidden class of its own in V8 (about 10 µs to make, and
 * every later read of it megamorphic).
 */
function skillRows(
  skills: readonly SkillChange[],
  attached: RowAttachments,
  workflows: ReadonlyMap<string, WorkflowChange>,
): SkillRow[] {
  return skills.map((s) => {
    const place = attached.skills.get(s.execId);
    const wkexId = place?.wkexId ?? null;
    const workflow = wkexId === null ? undefined : workflows.get(wkexId);
    const ids = workflow === undefined ? s : inheritedIds(s, workflow);
    return {
      execId: s.execId,
      skillId: s.skillId,
      skillName: s.skillName,
      status: s.status,
      startedAt: s.startedAt,
      completedAt: s.completedAt,
      durationMs: s.durationMs,
      stepNumber: s.stepNumber ?? place?.stepOrder ?? null,
      errorMessage: s.errorMessage,
      traceId: s.traceId,
      spanId: s.spanId,
      companionId: ids.companionId,
      userId: ids.userId,
      organizationId: ids.organizationId,
      sessionId: ids.sessionId,
      conversationId: ids.conversationId,
      attributes: ids.attributes,
      wkexId,
    };
  });
}

type SkillRow = SkillChange & { readonly wkexId: string | null };

/** The ids a stored skill row took from its workflow, which the span does not say again. */
const KEPT_INHERITED_IDS = sql`jsonb_strip_nulls(jsonb_build_object(
  'inherited_ids', ${skillExecutions.attributes} #> '{metadata,inherited_ids}'))`;

/** Where the place in the trace is not known yet, and for ids the span lacked, a skill row keeps what it had. */
const SKILL_RULES = {
  execId: "stored",
  createdAt: "stored",
  // the place in the trace (workflow, step number) and ids the span lacked: what is known
  wkexId: "coalesce",
  stepNumber: "coalesce",
  companionId: "coalesce",
  userId: "coalesce",
  organizationId: "coalesce",
  sessionId: "coalesce",
  conversationId: "coalesce",
} as const;

/** Skills derived by PostgreSQL: the performance and cost are derived afresh, from every call stored by then. */
const SKILLS = upsert(
  skillExecutions,
  ["execId"],
  {
    ...SKILL_RULES,
    attributes: sql`jsonb_set(excluded.exec_attributes, '{metadata}', (excluded.exec_attributes -> 'metadata')
      || ${KEPT_INHERITED_IDS})`,
  },
  {
    attributes: (row) =>
      sql`jsonb_set(${row("attributes")}, '{metadata}', ${derivedSkillMetadata({
        execId: row("execId"),
        startedAt: row("startedAt"),
        completedAt: row("completedAt"),
        metadata: sql`${row("attributes")} -> 'metadata'`,
      })})`,
  },
);

/**
 * Skills whose metadata the batch derived (deriveSkillsInBatch): written as they are. A row that
 * is stored after all (its trace left the index) is derived again, from every call stored by then.
 */
const SKILLS_DERIVED_IN_BATCH = upsert(skillExecutions, ["execId"], {
  ...SKILL_RULES,
  attributes: sql`jsonb_set(excluded.exec_attributes, '{metadata}', ${derivedSkillMetadata({
    execId: sql`excluded.exec_id`,
    startedAt: sql`excluded.exec_started_at`,
    completedAt: sql`excluded.exec_completed_at`,
    metadata: sql`excluded.exec_attributes -> 'metadata'`,
  })} || ${KEPT_INHERITED_IDS})`,
});

async function upsertSkills(
  tx: Transaction,
  rows: readonly SkillRow[],
  derived: ReadonlyMap<string, SkillChange["attributes"]>,
): Promise<void> {
  const inBatch: SkillRow[] = [];
  const inDatabase: SkillRow[] = [];
  for (const row of rows) {
    const attributes = derived.get(row.execId);
    if (attributes === undefined) inDatabase.push(row);
    else inBatch.push({ ...row, attributes });
  }
  await upsertRows(tx, SKILLS_DERIVED_IN_BATCH, inBatch);
  await upsertRows(tx, SKILLS, inDatabase);
}

/**
 * A model request row: its workflow and nearest skill, and whether it is a leaf (no request below
 * it); written out field by field, as {@link skillRows}.
 */
function llmCallRows(calls: readonly LlmCallChange[], attached: RowAttachments): LlmCallRow[] {
  return calls.map((c) => {
    const key = keyOf(c.traceId, c.spanId);
    const place = attached.llmCalls.get(key);
    return {
      llmId: c.llmId,
      traceId: c.traceId,
      spanId: c.spanId,
      operation: c.operation,
      provider: c.provider,
      model: c.model,
      startedAt: c.startedAt,
      completedAt: c.completedAt,
      durationMs: c.durationMs,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      cachedInputTokens: c.cachedInputTokens,
      cacheWriteTokens: c.cacheWriteTokens,
      reasoningTokens: c.reasoningTokens,
      totalTokens: c.totalTokens,
      costUsd: c.costUsd,
      costSource: c.costSource,
      finishReason: c.finishReason,
      errorMessage: c.errorMessage,
      step: c.step,
      messages: c.messages,
      wkexId: place?.wkexId ?? null,
      execId: place?.execId ?? null,
      leaf: !attached.wrappers.has(key),
    };
  });
}

type LlmCallRow = BatchChildren["llmCalls"][number] & { readonly execId: string | null };

const LLM_CALLS = upsert(llmCalls, ["traceId", "spanId"], {
  traceId: "stored",
  spanId: "stored",
  llmId: "stored",
  createdAt: "stored",
  wkexId: "coalesce",
  execId: "coalesce",
  // a request once found to wrap another stays a wrapper
  leaf: sql`excluded.leaf AND ${llmCalls.leaf}`,
});

async function upsertLlmCalls(tx: Transaction, rows: readonly LlmCallRow[]): Promise<void> {
  await upsertRows(tx, LLM_CALLS, rows);
}

type ClientCallRow = BatchChildren["clientCalls"][number] & { readonly execId: string | null };

/** A db, http, retrieval, guardrail or evaluation call row: its workflow and nearest skill (as {@link skillRows}). */
function clientCallRows(calls: readonly ClientCallChange[], attached: RowAttachments): ClientCallRow[] {
  return calls.map((c) => {
    const place = attached.clientCalls.get(keyOf(c.traceId, c.spanId));
    return {
      traceId: c.traceId,
      spanId: c.spanId,
      kind: c.kind,
      startedAt: c.startedAt,
      completedAt: c.completedAt,
      durationMs: c.durationMs,
      cacheHit: c.cacheHit,
      detail: c.detail,
      wkexId: place?.wkexId ?? null,
      execId: place?.execId ?? null,
    };
  });
}

const CLIENT_CALLS = upsert(clientCalls, ["traceId", "spanId"], {
  traceId: "stored",
  spanId: "stored",
  createdAt: "stored",
  wkexId: "coalesce",
  execId: "coalesce",
});

async function upsertClientCalls(tx: Transaction, rows: readonly ClientCallRow[]): Promise<void> {
  await upsertRows(tx, CLIENT_CALLS, rows);
}
