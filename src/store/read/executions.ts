import { type AnyColumn, and, eq, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { isUuid, sourceIdToUuid, type Timestamp } from "../../model/index.js";
import type { Database } from "../database.js";
import {
  type LlmCall,
  type SkillExecution,
  skillExecutions,
  type WorkflowExecution,
  type WorkflowStepExecution,
  workflowExecutions,
  workflowStepExecutions,
} from "../schema/index.js";
import { jsonArray } from "./json.js";
import type { PageRequest } from "./keyset.js";
import { listQuery } from "./list.js";
import { llmCallsOf, workflowExecutionIds } from "./llm-calls.js";
import type { Page } from "./page.js";
import { type Scope, skillInScope, workflowInScope } from "./scope.js";

/** Filters shared by both lists; ids may be UUIDs or the original strings the app sent. */
export interface ExecutionFilters {
  readonly companionId?: string;
  readonly userId?: string;
  readonly organizationId?: string;
  readonly status?: readonly string[];
  readonly sessionId?: string;
  readonly conversationId?: string;
  readonly startedFrom?: Timestamp;
  readonly startedTo?: Timestamp;
  readonly minDurationMs?: number;
}

export interface SkillFilters extends ExecutionFilters {
  readonly skillId?: string;
  /** wkex_id or wkex_execution_id. */
  readonly workflowExecution?: string;
}

export interface WorkflowFilters extends ExecutionFilters {
  readonly workflowId?: string;
}

const byId = (column: Parameters<typeof eq>[0], value: string | undefined) =>
  value === undefined ? undefined : eq(column, sourceIdToUuid(value));

/** The columns the filters both lists share apply to. */
interface FilterColumns {
  readonly companionId: AnyColumn;
  readonly userId: AnyColumn;
  readonly organizationId: AnyColumn;
  readonly status: AnyColumn;
  readonly sessionId: AnyColumn;
  readonly conversationId: AnyColumn;
  readonly startedAt: AnyColumn;
  readonly durationMs: AnyColumn;
}

function commonConditions(columns: FilterColumns, filters: ExecutionFilters): Array<SQL | undefined> {
  return [
    byId(columns.companionId, filters.companionId),
    byId(columns.userId, filters.userId),
    byId(columns.organizationId, filters.organizationId),
    filters.status === undefined ? undefined : inArray(columns.status, [...filters.status]),
    filters.sessionId === undefined ? undefined : eq(columns.sessionId, filters.sessionId),
    filters.conversationId === undefined ? undefined : eq(columns.conversationId, filters.conversationId),
    filters.startedFrom === undefined ? undefined : gte(columns.startedAt, filters.startedFrom),
    filters.startedTo === undefined ? undefined : lt(columns.startedAt, filters.startedTo),
    filters.minDurationMs === undefined ? undefined : gte(columns.durationMs, filters.minDurationMs),
  ];
}

/** The statement the skill list issues (exported so that its plans can be examined). */
export function skillListQuery(
  db: Database,
  scope: Scope,
  filters: SkillFilters,
  page: PageRequest,
  json: SQL,
) {
  const t = skillExecutions;
  return listQuery(
    db,
    t,
    { started: "startedAt", duration: "durationMs", id: "execId" },
    [
      skillInScope(scope),
      byId(t.skillId, filters.skillId),
      ...commonConditions(t, filters),
      filters.workflowExecution === undefined
        ? undefined
        : sql`${t.wkexId} IN ${workflowExecutionIds(filters.workflowExecution)}`,
    ],
    page,
    json,
  );
}

/** A page of skill executions, each as the JSON text `json` makes of its row. */
export function listSkillExecutions(
  db: Database,
  scope: Scope,
  filters: SkillFilters,
  page: PageRequest,
  json: SQL,
): Promise<Page<string>> {
  return skillListQuery(db, scope, filters, page, json).run();
}

/** The statement the workflow list issues (exported so that its plans can be examined). */
export function workflowListQuery(
  db: Database,
  scope: Scope,
  filters: WorkflowFilters,
  page: PageRequest,
  json: SQL,
) {
  const t = workflowExecutions;
  return listQuery(
    db,
    t,
    { started: "startedAt", duration: "totalDurationMs", id: "wkexId" },
    [
      workflowInScope(scope),
      byId(t.workflowId, filters.workflowId),
      ...commonConditions({ ...t, durationMs: t.totalDurationMs }, filters),
    ],
    page,
    json,
  );
}

/** A page of workflow executions, each as the JSON text `json` makes of its row. */
export function listWorkflowExecutions(
  db: Database,
  scope: Scope,
  filters: WorkflowFilters,
  page: PageRequest,
  json: SQL,
): Promise<Page<string>> {
  return workflowListQuery(db, scope, filters, page, json).run();
}

/** One skill execution as the JSON text `json` makes of its row. */
export async function skillExecutionJson(
  db: Database,
  scope: Scope,
  execId: string,
  json: SQL,
): Promise<string | undefined> {
  if (!isUuid(execId)) return undefined;
  const [row] = await db
    .select({ json: sql<string>`${json}::text` })
    .from(skillExecutions)
    .where(and(eq(skillExecutions.execId, execId.toLowerCase()), skillInScope(scope)));
  return row?.json;
}

export interface WorkflowExecutionDetail {
  readonly workflow: WorkflowExecution;
  readonly steps: WorkflowStepExecution[];
  readonly skills: SkillExecution[];
  readonly llmCalls: LlmCall[];
}

/** A workflow execution by wkex_execution_id or wkex_id (the execution id first, when both match). */
function workflowLookup(scope: Scope, executionId: string) {
  const t = workflowExecutions;
  return {
    where: and(
      isUuid(executionId)
        ? or(eq(t.executionId, executionId), eq(t.wkexId, executionId.toLowerCase()))
        : eq(t.executionId, executionId),
      workflowInScope(scope),
    ),
    orderBy: sql`${t.executionId} = ${executionId} DESC`,
  };
}

/** The order of a workflow execution's steps and skills in its detail. */
const STEP_ORDER = [
  sql`${workflowStepExecutions.stepOrder} ASC NULLS LAST`,
  sql`${workflowStepExecutions.startedAt}`,
];
const SKILL_ORDER = [sql`${skillExecutions.startedAt}`, sql`${skillExecutions.execId}`];

/** One workflow execution, by wkex_execution_id or wkex_id, with its steps and skills in order. */
export async function getWorkflowExecution(
  db: Database,
  scope: Scope,
  executionId: string,
): Promise<WorkflowExecutionDetail | undefined> {
  const lookup = workflowLookup(scope, executionId);
  const [workflow] = await db
    .select()
    .from(workflowExecutions)
    .where(lookup.where)
    .orderBy(lookup.orderBy)
    .limit(1);
  if (workflow === undefined) return undefined;
  const [steps, skills, llm] = await Promise.all([
    db
      .select()
      .from(workflowStepExecutions)
      .where(eq(workflowStepExecutions.wkexId, workflow.wkexId))
      .orderBy(...STEP_ORDER),
    db
      .select()
      .from(skillExecutions)
      .where(eq(skillExecutions.wkexId, workflow.wkexId))
      .orderBy(...SKILL_ORDER),
    llmCallsOf(db, [workflow.wkexId]),
  ]);
  return { workflow, steps, skills, llmCalls: llm };
}

/**
 * One workflow execution, found as getWorkflowExecution finds it, as the JSON text `json` makes
 * of its row; `json` may hold the arrays below, which read the rows under that workflow.
 */
export async function workflowExecutionJson(
  db: Database,
  scope: Scope,
  executionId: string,
  json: SQL,
): Promise<string | undefined> {
  const lookup = workflowLookup(scope, executionId);
  const [row] = await db
    .select({ json: sql<string>`${json}::text` })
    .from(workflowExecutions)
    .where(lookup.where)
    .orderBy(lookup.orderBy)
    .limit(1);
  return row?.json;
}

/** The JSON array of the workflow execution's steps (each as `item` makes it), in order. */
export function workflowStepsJson(item: SQL): SQL {
  const s = workflowStepExecutions;
  return jsonArray(item, sql`FROM ${s} WHERE ${s.wkexId} = ${workflowExecutions.wkexId}`, STEP_ORDER);
}

/** The JSON array of the workflow execution's skill executions (each as `item` makes it), in order. */
export function workflowSkillsJson(item: SQL): SQL {
  const s = skillExecutions;
  return jsonArray(item, sql`FROM ${s} WHERE ${s.wkexId} = ${workflowExecutions.wkexId}`, SKILL_ORDER);
}
