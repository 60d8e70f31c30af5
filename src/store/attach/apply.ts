import { sql } from "drizzle-orm";
import { AI_ROLES, isClientCallRole, type SkillChange, type WorkflowChange } from "../../model/index.js";
import { type BatchChildren, deriveInBatch } from "../batch-derivation.js";
import { recomputeEntryContext } from "../entry-spans.js";
import { claimExecutionIds } from "../execution-ids.js";
import { notifyWorkflowsChanged } from "../notifications.js";
import { recomputeRetries } from "../recompute-retries.js";
import { recomputeSkillPerformance } from "../recompute-skills.js";
import {
  forgetInheritedIds,
  inheritWorkflowIds,
  recomputeWorkflows,
  writeWorkflows,
} from "../recompute-workflows.js";
import { chunks, pgArray } from "../sql-values.js";
import { queryRows, type Transaction } from "../transaction.js";
import { isPending, keyOf, type Placed, type Resolution } from "./resolve.js";
import { touchOpenTraces, writeEntries } from "./span-index.js";

/** Where each row a resolution places belongs, by row key. */
export interface RowAttachments {
  /** Skill and tool-call rows by exec_id. */
  readonly skills: Map<string, { readonly wkexId: string | null; readonly stepOrder: number | null }>;
  /** Model request rows by `trace:span`: their workflow and nearest skill. */
  readonly llmCalls: Map<string, { readonly wkexId: string | null; readonly execId: string | null }>;
  /** db and http calls by `trace:span`: their workflow and nearest skill. */
  readonly clientCalls: Map<string, { readonly wkexId: string | null; readonly execId: string | null }>;
  /** Model requests with another request below them, by `trace:span`. */
  readonly wrappers: Set<string>;
  /** AI spans that are the workflow execution of their chain. */
  readonly standalone: Array<{ readonly traceId: string; readonly spanId: string }>;
  /** Workflow executions that gained children. */
  readonly workflows: Set<string>;
  /** Skills that gained db or http calls or model requests. */
  readonly skillsWithCalls: Set<string>;
}

export function rowAttachmentsOf(resolution: Resolution): RowAttachments {
  const rows: RowAttachments = {
    skills: new Map(),
    llmCalls: new Map(),
    clientCalls: new Map(),
    wrappers: new Set(),
    standalone: [],
    workflows: new Set(),
    skillsWithCalls: new Set(),
  };
  for (const { span, attachment } of [...resolution.batch, ...resolution.changed]) {
    const key = keyOf(span.traceId, span.spanId);
    if (attachment.wkexId !== null) rows.workflows.add(attachment.wkexId);
    if (attachment.standalone) rows.standalone.push(span);
    switch (span.role) {
      case "skill":
      case "tool":
        rows.skills.set(span.execId as string, {
          wkexId: attachment.wkexId,
          stepOrder: attachment.owner?.stepOrder ?? null,
        });
        break;
      case "llm":
        rows.llmCalls.set(key, { wkexId: attachment.wkexId, execId: attachment.nearSkill });
        if (attachment.nearSkill !== null) rows.skillsWithCalls.add(attachment.nearSkill);
        if (attachment.wrapperOf !== null) rows.wrappers.add(keyOf(span.traceId, attachment.wrapperOf));
        break;
      case "db":
      case "http":
        rows.clientCalls.set(key, { wkexId: attachment.wkexId, execId: attachment.nearSkill });
        if (attachment.nearSkill !== null) rows.skillsWithCalls.add(attachment.nearSkill);
        break;
      case "retrieval":
      case "guardrail":
      case "evaluation":
        rows.clientCalls.set(key, { wkexId: attachment.wkexId, execId: attachment.nearSkill });
        break;
    }
  }
  return rows;
}

export interface ApplyOptions {
  /** The batch's traces that are open (their quiet clock moves on); none when settling. */
  readonly openTraceIds: readonly string[];
  /** Whether entry spans are stored in the traces (or may be): executions' entry context is recomputed only then. */
  readonly entrySpans: boolean;
  /** The batch's AI spans as the workflow executions they would be. */
  readonly candidates: readonly WorkflowChange[];
  /** Workflow executions the batch wrote itself (stubs, those its entry spans name): recomputed too. */
  readonly workflowIds: readonly string[];
  /** The batch's declared workflow executions (execution ids claimed): written once its children are. */
  readonly workflows: readonly WorkflowChange[];
  /**
   * Skills the batch wrote, each with the performance and cost of the calls stored by then (the
   * batch's own included): recomputed only when calls are moved or re-marked after them.
   */
  readonly writtenSkills: readonly SkillChange[];
  /**
   * The batch's rows, and which traces have nothing stored (no span of theirs in the index): their
   * spans are indexed as one row per trace, and their workflows whose own span is in the batch,
   * and no row, derive what they do from the batch's rows, in memory.
   */
  readonly batch?: {
    readonly children: BatchChildren;
    readonly nothingStored: (traceId: string) => boolean;
  };
}

/**
 * Carries a resolution into the database, after the batch's own rows are written: stored rows
 * whose place changed are moved, wrappers are marked, workflows a late ancestor now encloses go,
 * the index and the quiet clock are kept; then the batch's workflows (declared, and AI spans that
 * are workflows) are written with what they derive from their children, and every other workflow
 * that changed is recomputed from its stored children. Returns the AI workflows written.
 */
export async function applyResolution(
  tx: Transaction,
  resolution: Resolution,
  rows: RowAttachments,
  options: ApplyOptions,
): Promise<WorkflowChange[]> {
  const aiWorkflows = await candidatesOf(tx, rows.standalone, options.candidates);
  const written = new Map(
    [...options.workflows, ...(await claimExecutionIds(tx, aiWorkflows))].map((w) => [w.wkexId, w]),
  );
  const inBatch = new Set(resolution.batch.map(({ span }) => keyOf(span.traceId, span.spanId)));
  await moveStoredRows(tx, resolution.changed);
  const storedWrappers = [...rows.wrappers].filter((key) => !inBatch.has(key));
  await markWrappers(tx, storedWrappers);
  const retired = resolution.retired.filter((id) => !aiWorkflows.some((w) => w.wkexId === id));
  if (retired.length > 0) {
    await tx.execute(sql`DELETE FROM "WorkflowExecutions" WHERE wkex_id = ANY(${pgArray(retired)}::uuid[])`);
  }
  await writeEntries(tx, resolution.entries, options.batch?.nothingStored ?? (() => false));
  await storeCandidates(tx, resolution, options.candidates);
  const pendingTraces = new Set(resolution.entries.filter(isPending).map((e) => e.traceId));
  await touchOpenTraces(
    tx,
    [...pendingTraces],
    options.openTraceIds.filter((id) => !pendingTraces.has(id)),
  );
  const gone = new Set(retired);
  const affected = [...new Set([...options.workflowIds, ...written.keys(), ...rows.workflows])].filter(
    (id) => !gone.has(id),
  );
  const toWrite = [...written.values()].filter((w) => !gone.has(w.wkexId));
  const batch = options.batch;
  const created = await writeWorkflows(
    tx,
    toWrite,
    batch === undefined
      ? new Map()
      : deriveInBatch(
          toWrite.filter((w) => batch.nothingStored(w.traceId)),
          batch.children,
        ),
  );
  const whole = wholeInBatch(created, resolution, options);
  await recomputeWorkflows(
    tx,
    affected.filter((id) => !written.has(id)),
  );
  const upToDate = new Set(storedWrappers.length === 0 ? options.writtenSkills.map((s) => s.execId) : []);
  for (const { attachment } of resolution.changed) {
    if (attachment.nearSkill !== null) upToDate.delete(attachment.nearSkill);
  }
  await recomputeSkillPerformance(
    tx,
    [...rows.skillsWithCalls].filter((id) => !upToDate.has(id)),
  );
  await inheritWorkflowIds(
    tx,
    affected.filter((id) => !whole.has(id)),
  );
  const repeated = withRepeatedSkills(options.writtenSkills, rows);
  await recomputeRetries(
    tx,
    affected.filter((id) => !whole.has(id) || repeated.has(id)),
  );
  if (options.entrySpans) await recomputeEntryContext(tx, affected);
  await notifyWorkflowsChanged(tx, affected);
  return aiWorkflows;
}

/**
 * Workflows this transaction created from their own span in the batch, with no stored row moved
 * under them: every skill they have is one of the batch's, written with the ids it inherits from
 * them (inheritedIds), so nothing is left to inherit.
 */
function wholeInBatch(
  created: ReadonlySet<string>,
  resolution: Resolution,
  options: ApplyOptions,
): Set<string> {
  const ownSpanInBatch = new Set([...options.workflows, ...options.candidates].map((w) => w.wkexId));
  const movedUnder = new Set(resolution.changed.map(({ attachment }) => attachment.wkexId));
  return new Set([...created].filter((id) => ownSpanInBatch.has(id) && !movedUnder.has(id)));
}

/**
 * The workflows under which the batch writes a skill name twice below one parent span: the only
 * ones of those whole in the batch that can have retries to derive (see recomputeRetries).
 */
function withRepeatedSkills(skills: readonly SkillChange[], rows: RowAttachments): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const skill of skills) {
    const wkexId = rows.skills.get(skill.execId)?.wkexId;
    if (wkexId === undefined || wkexId === null) continue;
    const trace = skill.attributes.metadata.trace;
    const parent =
      typeof trace === "object" && trace !== null && !Array.isArray(trace) ? trace.parentSpanId : null;
    const key = JSON.stringify([wkexId, skill.skillName, parent ?? null]);
    if (seen.has(key)) repeated.add(wkexId);
    seen.add(key);
  }
  return repeated;
}

/** The workflow changes of standalone AI spans: from the batch, else as stored when they came. */
async function candidatesOf(
  tx: Transaction,
  standalone: ReadonlyArray<{ traceId: string; spanId: string }>,
  inBatch: readonly WorkflowChange[],
): Promise<WorkflowChange[]> {
  if (standalone.length === 0) return [];
  const known = new Map(inBatch.map((c) => [keyOf(c.traceId, c.spanId), c]));
  const missing = standalone.filter((s) => !known.has(keyOf(s.traceId, s.spanId)));
  if (missing.length > 0) {
    const stored = await queryRows<{ change: WorkflowChange }>(
      tx,
      sql`SELECT change FROM "AiCalls" a
          JOIN unnest(${pgArray(missing.map((m) => m.traceId))}::text[], ${pgArray(missing.map((m) => m.spanId))}::text[]) AS v(t, s)
            ON a.trace_id = v.t AND a.span_id = v.s`,
    );
    for (const { change } of stored) known.set(keyOf(change.traceId, change.spanId), change);
  }
  const unique = new Map<string, WorkflowChange>();
  for (const s of standalone) {
    const change = known.get(keyOf(s.traceId, s.spanId));
    if (change !== undefined) unique.set(change.wkexId, change);
  }
  return [...unique.values()];
}

/** Rows stored earlier whose place changed: their workflow, step number, nearest skill. */
async function moveStoredRows(tx: Transaction, changed: readonly Placed[]): Promise<void> {
  const skills = changed.filter(({ span }) => span.role === "skill" || span.role === "tool");
  const llm = changed.filter(({ span }) => span.role === "llm");
  const calls = changed.filter(({ span }) => isClientCallRole(span.role));
  for (const rows of chunks(skills, 5000)) {
    await tx.execute(sql`
UPDATE "SkillExecutions" k SET wkex_id = v.w, exec_step_number = coalesce(k.exec_step_number, v.o),
  -- moved to another workflow: the ids it took from the former one are taken again from the new one
  ${forgetInheritedIds(sql`k`)}
FROM unnest(${pgArray(rows.map((r) => r.span.execId))}::uuid[], ${pgArray(rows.map((r) => r.attachment.wkexId))}::uuid[],
  ${pgArray(rows.map((r) => r.attachment.owner?.stepOrder ?? null))}::int[]) AS v(id, w, o)
WHERE k.exec_id = v.id`);
  }
  for (const rows of chunks(llm, 5000)) {
    await tx.execute(sql`
UPDATE "LlmCalls" c SET wkex_id = v.w, exec_id = v.k
FROM unnest(${pgArray(rows.map((r) => r.span.traceId))}::text[], ${pgArray(rows.map((r) => r.span.spanId))}::text[],
  ${pgArray(rows.map((r) => r.attachment.wkexId))}::uuid[], ${pgArray(rows.map((r) => r.attachment.nearSkill))}::uuid[])
  AS v(t, s, w, k)
WHERE c.trace_id = v.t AND c.span_id = v.s`);
  }
  for (const rows of chunks(calls, 5000)) {
    await tx.execute(sql`
UPDATE "ClientCalls" c SET wkex_id = v.w, exec_id = v.k
FROM unnest(${pgArray(rows.map((r) => r.span.traceId))}::text[], ${pgArray(rows.map((r) => r.span.spanId))}::text[],
  ${pgArray(rows.map((r) => r.attachment.wkexId))}::uuid[], ${pgArray(rows.map((r) => r.attachment.nearSkill))}::uuid[])
  AS v(t, s, w, k)
WHERE c.trace_id = v.t AND c.span_id = v.s`);
  }
}

/** Stored model requests found to wrap another: their tokens are their children's. */
async function markWrappers(tx: Transaction, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const split = keys.map((key) => key.split(":") as [string, string]);
  await tx.execute(sql`
UPDATE "LlmCalls" c SET leaf = false
FROM unnest(${pgArray(split.map(([t]) => t))}::text[], ${pgArray(split.map(([, s]) => s))}::text[]) AS v(t, s)
WHERE c.trace_id = v.t AND c.span_id = v.s AND c.leaf`);
}

/**
 * The batch's AI spans that may turn out to be the top of their chain once it is complete: kept
 * as the workflow changes they would be, since their span will not come again.
 */
async function storeCandidates(
  tx: Transaction,
  resolution: Resolution,
  candidates: readonly WorkflowChange[],
): Promise<void> {
  if (candidates.length === 0) return;
  const byKey = new Map(candidates.map((c) => [keyOf(c.traceId, c.spanId), c]));
  const keep = resolution.entries
    .filter((e) => AI_ROLES.has(e.role) && isPending(e) && e.above.owner === null && e.above.topAi === null)
    .flatMap((e) => byKey.get(keyOf(e.traceId, e.spanId)) ?? []);
  for (const rows of chunks(keep)) {
    await tx.execute(sql`
INSERT INTO "AiCalls" (trace_id, span_id, change)
SELECT v.t, v.s, v.c FROM unnest(${pgArray(rows.map((r) => r.traceId))}::text[], ${pgArray(rows.map((r) => r.spanId))}::text[],
  ${pgArray(rows.map((r) => JSON.stringify(r)))}::jsonb[]) AS v(t, s, c)
ON CONFLICT (trace_id, span_id) DO UPDATE SET change = excluded.change`);
  }
}
