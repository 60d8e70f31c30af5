import {
  type ClientCallChange,
  ERROR_STATUSES,
  isOneOf,
  type JsonObject,
  type JsonValue,
  type LlmCallChange,
  type SkillChange,
  type StepChange,
} from "../model/index.js";

/** A row of the batch as written, with the workflow execution it was attached to. */
type Attached<T> = T & { readonly wkexId: string | null };

/** The batch's children rows, as the writer writes them. */
export interface BatchChildren {
  readonly steps: readonly StepChange[];
  readonly skills: ReadonlyArray<
    Attached<
      Pick<SkillChange, "execId" | "skillName" | "status" | "startedAt" | "stepNumber" | "errorMessage">
    >
  >;
  readonly llmCalls: ReadonlyArray<Attached<LlmCallChange & { readonly leaf: boolean }>>;
  readonly clientCalls: ReadonlyArray<Attached<ClientCallChange>>;
}

/**
 * What a workflow execution derives from its children, computed from the batch's rows where all
 * of them are in it: the row of the derivation's `derived` CTE (recompute-workflows.ts), aggregates
 * only. What needs PostgreSQL's own arithmetic or collation (the average's numeric division, the
 * cost's rounding, the models' order) is left as its inputs: the statement finishes them.
 * Absent (undefined) is SQL NULL.
 */
export interface BatchDerivation {
  readonly target_id: string;
  readonly status: string;
  readonly seen_steps?: number;
  readonly completed_steps?: number;
  readonly step_ms_sum?: number;
  readonly step_ms_count?: number;
  readonly current_step_id?: string | null;
  readonly current_step_order?: number | null;
  readonly failed_step_id?: string | null;
  readonly failed_step_error?: string | null;
  readonly results?: JsonObject;
  readonly failed_step_number?: number | null;
  readonly failed_skill?: string;
  readonly failed_skill_error?: string | null;
  readonly failed_skill_step_id?: string | null;
  readonly has_llm: boolean;
  readonly tokens?: number;
  readonly cost?: number | null;
  readonly cost_metadata?: JsonObject;
  readonly models?: string[];
  readonly ai_sdk?: JsonObject;
  readonly patch: JsonObject;
}

/** Timestamps and span ids that compare as text the way PostgreSQL orders the columns. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
export const comparableTime = (value: string | null) => value === null || TIMESTAMP.test(value);

/** A float8 as PostgreSQL's `round(x::numeric, scale)`: 15 significant digits (float8_numeric), then half away from zero. */
export function roundedAsNumeric(value: number, scale: number): number {
  // "d.dddddddddddddde±x": the 15 significant digits, value = digits × 10^(x − 14)
  const text = Math.abs(value).toExponential(14);
  const digits = `${text[0]}${text.slice(2, 16)}`;
  const shift = Number(text.slice(17)) - 14 + scale;
  // units of 10^−scale; the first digit dropped decides, half away from zero
  const kept = 15 + shift;
  const units =
    shift >= 0
      ? Number(digits) * 10 ** shift
      : kept < 0
        ? 0
        : (kept === 0 ? 0 : Number(digits.slice(0, kept))) + (digits.charCodeAt(kept) >= 53 ? 1 : 0);
  return units === 0 ? 0 : ((value < 0 ? -1 : 1) * units) / 10 ** scale;
}

/** Ascending, nulls last (PostgreSQL's default for ASC); text compares as bytes (ASCII values only). */
function ascending<T extends string | number>(a: T | null, b: T | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Descending, nulls last (`DESC NULLS LAST`). */
function descendingNullsLast(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a > b ? -1 : 1;
}

const isError = (status: string) => isOneOf(ERROR_STATUSES, status);

/** The first of `rows` in the order `compare` gives. */
function first<T>(rows: readonly T[], compare: (a: T, b: T) => number): T | undefined {
  let best: T | undefined;
  for (const row of rows) if (best === undefined || compare(row, best) < 0) best = row;
  return best;
}

/** The rows whose `key` is one of `ids`, by that key. */
export function groupBy<T>(
  rows: readonly T[],
  key: (row: T) => string | null,
  ids: ReadonlySet<string>,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const id = key(row);
    if (id === null || !ids.has(id)) continue;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [row]);
    else group.push(row);
  }
  return groups;
}

const byWorkflow = (row: { readonly wkexId: string | null }) => row.wkexId;

/** Steps are ordered by their order (nulls last), start and id. */
const stepOrder = (a: StepChange, b: StepChange) =>
  ascending(a.stepOrder, b.stepOrder) || ascending(a.startedAt, b.startedAt) || ascending(a.wstpId, b.wstpId);

function stepsPart(steps: readonly StepChange[]): Partial<BatchDerivation> {
  if (steps.length === 0) return {};
  const durations = steps.filter((s) => s.durationMs !== null);
  const current = first(
    steps,
    (a, b) =>
      descendingNullsLast(a.stepOrder, b.stepOrder) ||
      ascending(b.startedAt, a.startedAt) ||
      ascending(b.wstpId, a.wstpId),
  );
  const failed = first(
    steps.filter((s) => isError(s.status)),
    stepOrder,
  );
  const orders = steps.flatMap((s) => (s.stepOrder === null ? [] : [s.stepOrder]));
  let results: JsonObject | undefined;
  for (const step of steps) {
    const output = step.attributes.output;
    if (output === null) continue;
    results ??= {};
    results[step.stepId ?? step.wstpId] = output ?? null;
  }
  return {
    seen_steps: steps.length,
    completed_steps: steps.filter((s) => s.status === "completed").length,
    step_ms_sum: durations.reduce((sum, s) => sum + s.durationMs, 0),
    step_ms_count: durations.length,
    current_step_id: current?.stepId ?? null,
    current_step_order: orders.length === 0 ? null : Math.max(...orders),
    failed_step_id: failed?.stepId ?? null,
    failed_step_error: failed?.errorMessage ?? null,
    results,
  };
}

function skillsPart(skills: BatchChildren["skills"], steps: readonly StepChange[]): Partial<BatchDerivation> {
  const failed = first(
    skills.filter((k) => isError(k.status)),
    (a, b) => ascending(a.startedAt, b.startedAt) || ascending(a.execId, b.execId),
  );
  if (failed === undefined) return {};
  const number = failed.stepNumber;
  const step = first(
    steps.filter((s) => number !== null && s.stepOrder === number),
    (a, b) => ascending(a.wstpId, b.wstpId),
  );
  return {
    failed_step_number: number,
    failed_skill: failed.skillName,
    failed_skill_error: failed.errorMessage,
    failed_skill_step_id: step?.stepId ?? null,
  };
}

function llmPart(
  leafCalls: BatchChildren["llmCalls"],
): Pick<BatchDerivation, "has_llm"> & Partial<BatchDerivation> & { cacheReads?: number } {
  if (leafCalls.length === 0) return { has_llm: false };
  const calls = [...leafCalls].sort(
    (a, b) => ascending(a.startedAt, b.startedAt) || ascending(a.spanId, b.spanId),
  );
  const totals = {
    totalTokens: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
  let cost: number | null = null;
  let cacheReads = 0;
  let unpricedCalls = 0;
  let reportedCostCalls = 0;
  let top: (typeof calls)[number] | undefined;
  let lastMessages: (typeof calls)[number] | undefined;
  const models = new Set<string>();
  const steps: JsonObject[] = [];
  const onStepStart: JsonObject[] = [];
  const onStepFinish: JsonObject[] = [];
  const onError: JsonObject[] = [];
  for (const [i, c] of calls.entries()) {
    const stepId = `step-${i + 1}`;
    totals.totalTokens += c.totalTokens;
    totals.inputTokens += c.inputTokens;
    totals.outputTokens += c.outputTokens;
    totals.cachedInputTokens += c.cachedInputTokens;
    totals.cacheWriteTokens += c.cacheWriteTokens;
    totals.reasoningTokens += c.reasoningTokens;
    // summed in the order PostgreSQL's aggregate reads them (the window's): the same float sum
    if (c.costUsd !== null) cost = cost === null ? c.costUsd : cost + c.costUsd;
    if (c.cachedInputTokens > 0) cacheReads++;
    if (c.costUsd === null && c.totalTokens > 0) unpricedCalls++;
    if (c.costSource === "reported") reportedCostCalls++;
    if (c.model !== null) {
      models.add(c.model);
      // the most tokens, the first of equals
      if (top === undefined || c.totalTokens > top.totalTokens) top = c;
    }
    // the latest to complete, the last of equals
    if (c.messages !== null && (lastMessages === undefined || c.completedAt >= lastMessages.completedAt)) {
      lastMessages = c;
    }
    steps.push({ ...c.step, stepId });
    onStepStart.push({ timestamp: c.startedAt, stepId });
    const result = c.errorMessage === null ? "success" : "error";
    onStepFinish.push({ timestamp: c.completedAt, stepId, result, finishReason: c.finishReason });
    if (c.errorMessage !== null) onError.push({ timestamp: c.completedAt, stepId, error: c.errorMessage });
  }
  return {
    has_llm: true,
    tokens: totals.totalTokens,
    cost,
    cacheReads,
    cost_metadata: {
      ...totals,
      currency: "USD",
      llmCalls: calls.length,
      unpricedCalls,
      reportedCostCalls,
      model: top?.model ?? null,
    },
    models: [...models],
    ai_sdk: {
      ai_sdk_steps: steps,
      ai_sdk_messages: (lastMessages?.messages ?? []) as JsonValue[],
      ai_sdk_callbacks: { onStepStart, onStepFinish, onError },
    },
  };
}

/** Retrievals, guardrails and evaluations listed (each kind) in a workflow's metadata; all are counted. */
export const AI_STEPS_LISTED = 20;

const AI_STEP_KEYS = { retrieval: "retrievals", guardrail: "guardrails", evaluation: "evaluations" } as const;

function metadataPatch(calls: BatchChildren["clientCalls"], cacheReads: number | undefined): JsonObject {
  const patch: JsonObject = {};
  const performance = calls.filter((c) => c.kind === "db" || c.kind === "http" || c.cacheHit === true);
  if (performance.length > 0 || (cacheReads ?? 0) > 0) {
    const counts: JsonObject =
      performance.length === 0
        ? {}
        : {
            dbQueries: performance.filter((c) => c.kind === "db").length,
            apiCalls: performance.filter((c) => c.kind === "http").length,
          };
    patch.performance = {
      ...counts,
      cacheHits: performance.filter((c) => c.cacheHit === true).length + (cacheReads ?? 0),
    };
  }
  for (const [kind, key] of Object.entries(AI_STEP_KEYS)) {
    const listed = calls
      .filter((c) => c.kind === kind)
      .sort((a, b) => ascending(a.startedAt, b.startedAt) || ascending(a.spanId, b.spanId));
    if (listed.length === 0) continue;
    patch[key] = {
      count: listed.length,
      items: listed.slice(0, AI_STEPS_LISTED).map((c) => ({
        ...(c.detail ?? {}),
        spanId: c.spanId,
        startedAt: c.startedAt,
        durationMs: c.durationMs,
      })),
    };
  }
  return patch;
}

/** Whether every value the derivation orders by compares in JavaScript as PostgreSQL compares it. */
function comparable(children: BatchChildren): boolean {
  return (
    children.steps.every((s) => comparableTime(s.startedAt)) &&
    children.skills.every((k) => comparableTime(k.startedAt)) &&
    children.llmCalls.every(
      (c) => comparableTime(c.startedAt) && comparableTime(c.completedAt) && SPAN_ID.test(c.spanId),
    ) &&
    children.clientCalls.every((c) => comparableTime(c.startedAt) && SPAN_ID.test(c.spanId))
  );
}

/**
 * The derivations of `workflows` (their own spans, each with all its children in the batch) from
 * the batch's rows, by id. A workflow whose children hold values that JavaScript would order
 * otherwise than PostgreSQL (timestamps out of the usual range, span ids not in hex) is left out:
 * the database derives it.
 */
export function deriveInBatch(
  workflows: ReadonlyArray<{ readonly wkexId: string; readonly status: string }>,
  children: BatchChildren,
): Map<string, BatchDerivation> {
  const ids = new Set(workflows.map((w) => w.wkexId));
  const steps = groupBy(children.steps, byWorkflow, ids);
  const skills = groupBy(children.skills, byWorkflow, ids);
  const llmCalls = groupBy(
    children.llmCalls.filter((c) => c.leaf),
    byWorkflow,
    ids,
  );
  const clientCalls = groupBy(children.clientCalls, byWorkflow, ids);
  const derived = new Map<string, BatchDerivation>();
  for (const workflow of workflows) {
    const own = {
      steps: steps.get(workflow.wkexId) ?? [],
      skills: skills.get(workflow.wkexId) ?? [],
      llmCalls: llmCalls.get(workflow.wkexId) ?? [],
      clientCalls: clientCalls.get(workflow.wkexId) ?? [],
    };
    if (!comparable(own)) continue;
    const { cacheReads, ...llm } = llmPart(own.llmCalls);
    derived.set(workflow.wkexId, {
      target_id: workflow.wkexId,
      status: workflow.status,
      ...stepsPart(own.steps),
      ...skillsPart(own.skills, own.steps),
      ...llm,
      patch: metadataPatch(own.clientCalls, cacheReads),
    });
  }
  return derived;
}
