import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type {
  ExecutionChanges,
  LlmCallChange,
  SkillChange,
  SpanNode,
  StepChange,
  WorkflowChange,
} from "../model/index.js";
import type { Database } from "./database.js";
import { claimExecutionIds } from "./execution-ids.js";
import { notifyWorkflowsChanged } from "./notifications.js";
import { recomputeSkillPerformance } from "./recompute-skills.js";
import { ERROR_MESSAGE_COLUMN_LIMIT, inheritWorkflowIds, recomputeWorkflows } from "./recompute-workflows.js";
import { resolveAttachments } from "./resolve-attachments.js";
import {
  aiCalls,
  llmCalls,
  skillExecutions,
  spanLinks,
  workflowExecutions,
  workflowStepExecutions,
} from "./schema/index.js";
import { chunks, pgArray } from "./sql-values.js";
import { queryRows, type Transaction } from "./transaction.js";

export interface WriteSummary {
  readonly workflows: number;
  readonly steps: number;
  readonly skills: number;
  readonly spans: number;
}

/** SQLSTATEs after which the whole transaction is simply run again. */
const RETRY_SQLSTATES = new Set(["40001", "40P01", "23505"]);
const MAX_ATTEMPTS = 4;

/**
 * Writes one batch of changes in one transaction: span edges, then the executions with
 * multi-row merge-upserts, then attachment and recomputation of the workflows they touch.
 * Traces are locked first (advisory, in a fixed order) so that two batches of one trace,
 * on any number of execlens processes, are merged one after the other.
 */
export function summarize(changes: ExecutionChanges): WriteSummary {
  return {
    workflows: changes.workflows.length,
    steps: changes.steps.length,
    skills: changes.skills.length,
    spans: changes.nodes.length,
  };
}

export async function writeChanges(db: Database, changes: ExecutionChanges): Promise<WriteSummary> {
  const summary = summarize(changes);
  if (changes.nodes.length === 0) return summary;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction((tx) => writeInTransaction(tx, changes));
      return summary;
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !RETRY_SQLSTATES.has(sqlState(error) ?? "")) throw error;
    }
  }
}

function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error || (typeof e === "object" && e !== null); ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

async function writeInTransaction(tx: Transaction, changes: ExecutionChanges): Promise<void> {
  const traceIds = [...new Set(changes.nodes.map((node) => node.traceId))].sort();
  await lockTraces(tx, traceIds);
  for (const rows of chunks(changes.nodes, 2000)) {
    await tx
      .insert(spanLinks)
      .values(rows.map((node) => ({ ...node })))
      .onConflictDoNothing();
  }
  const workflows = await claimExecutionIds(tx, changes.workflows);
  await upsertWorkflows(tx, workflows);
  const stubIds = await insertWorkflowStubs(tx, changes.nodes, workflows);
  await upsertSteps(tx, changes.steps);
  await upsertSkills(tx, changes.skills);
  await upsertLlmCalls(tx, changes.llmCalls);
  await upsertAiCalls(tx, changes.aiCalls);
  const attached = await resolveAttachments(tx, traceIds);
  const aiWorkflows = await materialiseAiCalls(tx, attached.standaloneAiCalls, changes.aiCalls);
  const affected = [
    ...new Set([...workflows.map((w) => w.wkexId), ...stubIds, ...attached.workflows, ...aiWorkflows]),
  ];
  await recomputeWorkflows(tx, affected);
  await recomputeSkillPerformance(tx, attached.skills);
  await inheritWorkflowIds(tx, affected);
  await notifyWorkflowsChanged(tx, affected);
}

async function upsertLlmCalls(tx: Transaction, calls: readonly LlmCallChange[]): Promise<void> {
  for (const rows of chunks(calls)) {
    await tx
      .insert(llmCalls)
      .values(rows.map((c) => ({ ...c })))
      .onConflictDoUpdate({
        target: [llmCalls.traceId, llmCalls.spanId],
        // wkex_id and leaf come from attachment, not from the span
        set: fromExcluded(llmCalls, [
          "operation",
          "provider",
          "model",
          "startedAt",
          "completedAt",
          "durationMs",
          "inputTokens",
          "outputTokens",
          "cachedInputTokens",
          "cacheWriteTokens",
          "reasoningTokens",
          "totalTokens",
          "costUsd",
          "finishReason",
          "errorMessage",
          "step",
          "messages",
        ]),
      });
  }
}

async function upsertAiCalls(tx: Transaction, calls: readonly WorkflowChange[]): Promise<void> {
  for (const rows of chunks(calls)) {
    await tx
      .insert(aiCalls)
      .values(rows.map((change) => ({ traceId: change.traceId, spanId: change.spanId, change })))
      .onConflictDoUpdate({
        target: [aiCalls.traceId, aiCalls.spanId],
        set: fromExcluded(aiCalls, ["change"]),
      });
  }
}

/**
 * The AI calls found to be workflow executions of their own become rows, from this batch's
 * changes or, when the call came in an earlier batch, from "AiCalls".
 */
async function materialiseAiCalls(
  tx: Transaction,
  standalone: ReadonlyArray<{ traceId: string; spanId: string }>,
  inBatch: readonly WorkflowChange[],
): Promise<string[]> {
  if (standalone.length === 0) return [];
  const known = new Map(inBatch.map((c) => [`${c.traceId}:${c.spanId}`, c]));
  const missing = standalone.filter((s) => !known.has(`${s.traceId}:${s.spanId}`));
  if (missing.length > 0) {
    const stored = await queryRows<{ change: WorkflowChange }>(
      tx,
      sql`SELECT change FROM "AiCalls" a
          JOIN jsonb_to_recordset(${JSON.stringify(missing)}::jsonb) AS v("traceId" varchar, "spanId" varchar)
            ON a.trace_id = v."traceId" AND a.span_id = v."spanId"`,
    );
    for (const { change } of stored) {
      known.set(`${change.traceId}:${change.spanId}`, {
        ...change,
        startedAt: new Date(change.startedAt),
        completedAt: change.completedAt === null ? null : new Date(change.completedAt),
      });
    }
  }
  const changes = standalone.flatMap((s) => known.get(`${s.traceId}:${s.spanId}`) ?? []);
  const workflows = await claimExecutionIds(tx, changes);
  await upsertWorkflows(tx, workflows);
  return workflows.map((w) => w.wkexId);
}

async function lockTraces(tx: Transaction, sortedTraceIds: readonly string[]): Promise<void> {
  const keys = sortedTraceIds.map((id) => BigInt.asIntN(64, BigInt(`0x${id.slice(0, 16)}`)).toString());
  await tx.execute(sql`SELECT count(pg_advisory_xact_lock(k)) FROM unnest(${pgArray(keys)}::bigint[]) AS k`);
}

function workflowRow(w: WorkflowChange) {
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
    errorMessage: w.errorMessage === null ? null : w.errorMessage.slice(0, ERROR_MESSAGE_COLUMN_LIMIT),
    debugMode: w.debugMode,
    logLevel: w.logLevel,
    attributes: w.attributes,
    traceId: w.traceId,
    spanId: w.spanId,
    spanReceived: true,
  };
}

/**
 * The workflow's own span is the truth about it: every column it sets is overwritten. Its
 * attributes are merged key by key so that what is derived from children survives.
 */
async function upsertWorkflows(tx: Transaction, workflows: readonly WorkflowChange[]): Promise<void> {
  for (const rows of chunks(workflows)) {
    await tx
      .insert(workflowExecutions)
      .values(rows.map(workflowRow))
      .onConflictDoUpdate({
        target: workflowExecutions.wkexId,
        set: {
          ...fromExcluded(workflowExecutions, [
            "executionId",
            "workflowId",
            "workflowName",
            "companionId",
            "userId",
            "organizationId",
            "sessionId",
            "conversationId",
            "status",
            "totalSteps",
            "startedAt",
            "completedAt",
            "totalDurationMs",
            "errorMessage",
            "debugMode",
            "logLevel",
            "traceId",
            "spanId",
            "spanReceived",
          ]),
          attributes: sql`excluded.wkex_attributes || jsonb_build_object('intermediate_results', ${workflowExecutions.attributes} -> 'intermediate_results')`,
        },
      });
  }
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

async function upsertSteps(tx: Transaction, steps: readonly StepChange[]): Promise<void> {
  for (const rows of chunks(steps)) {
    await tx
      .insert(workflowStepExecutions)
      .values(rows.map((s) => ({ ...s })))
      .onConflictDoUpdate({
        target: workflowStepExecutions.wstpId,
        set: fromExcluded(workflowStepExecutions, [
          "wkexId",
          "stepId",
          "stepOrder",
          "status",
          "startedAt",
          "completedAt",
          "durationMs",
          "errorMessage",
          "attributes",
        ]),
      });
  }
}

/**
 * A skill row comes from its own span alone; wkex_id is left to attachment and ids the span
 * lacked keep what they inherited from the workflow.
 */
async function upsertSkills(tx: Transaction, skills: readonly SkillChange[]): Promise<void> {
  const columns = getTableColumns(skillExecutions);
  const keepInherited = [
    "companionId",
    "userId",
    "organizationId",
    "sessionId",
    "conversationId",
    "stepNumber",
  ] as const;
  for (const rows of chunks(skills)) {
    await tx
      .insert(skillExecutions)
      .values(rows.map((s) => ({ ...s })))
      .onConflictDoUpdate({
        target: skillExecutions.execId,
        set: {
          ...fromExcluded(skillExecutions, [
            "skillId",
            "skillName",
            "status",
            "startedAt",
            "completedAt",
            "durationMs",
            "errorMessage",
            "traceId",
            "spanId",
          ]),
          // counted from the spans below it, which a re-delivered skill span does not repeat
          attributes: sql`CASE WHEN ${skillExecutions.attributes} #> '{metadata,performance}' IS NULL
            THEN excluded.exec_attributes
            ELSE jsonb_set(excluded.exec_attributes, '{metadata,performance}', ${skillExecutions.attributes} #> '{metadata,performance}') END`,
          ...Object.fromEntries(
            keepInherited.map((key) => [
              key,
              sql`coalesce(excluded.${sql.identifier(columns[key].name)}, ${columns[key]})`,
            ]),
          ),
        },
      });
  }
}

/** `SET column = excluded.column` for each named property of the table. */
function fromExcluded<T extends PgTable>(
  table: T,
  keys: readonly (keyof T["_"]["columns"] & string)[],
): Record<string, SQL> {
  const columns = getTableColumns(table);
  return Object.fromEntries(
    keys.map((key) => [key, sql`excluded.${sql.identifier((columns[key] as PgColumn).name)}`]),
  );
}
