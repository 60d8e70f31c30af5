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
export function skillListQuery(db: Database, scope: Scope, filters: SkillFilters, page: PageRequest) {
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
  );
}

export function listSkillExecutions(
  db: Database,
  scope: Scope,
  filters: SkillFilters,
  page: PageRequest,
): Promise<Page<SkillExecution>> {
  return skillListQuery(db, scope, filters, page).run();
}

/** The statement the workflow list issues (exported so that its plans can be examined). */
export function workflowListQuery(db: Database, scope: Scope, filters: WorkflowFilters, page: PageRequest) {
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
  );
}

export function listWorkflowExecutions(
  db: Database,
  scope: Scope,
  filters: WorkflowFilters,
  page: PageRequest,
): Promise<Page<WorkflowExecution>> {
  return workflowListQuery(db, scope, filters, page).run();
}

export async function getSkillExecution(
  db: Database,
  scope: Scope,
  execId: string,
): Promise<SkillExecution | undefined> {
  if (!isUuid(execId)) return undefined;
  const [row] = await db
    .select()
    .from(skillExecutions)
    .where(and(eq(skillExecutions.execId, execId.toLowerCase()), skillInScope(scope)));
  return row;
}

export interface WorkflowExecutionDetail {
  readonly workflow: WorkflowExecution;
  readonly steps: WorkflowStepExecution[];
  readonly skills: SkillExecution[];
  readonly llmCalls: LlmCall[];
}

/** One workflow execution, by wkex_execution_id or wkex_id, with its steps and skills in order. */
export async function getWorkflowExecution(
  db: Database,
  scope: Scope,
  executionId: string,
): Promise<WorkflowExecutionDetail | undefined> {
  const t = workflowExecutions;
  const [workflow] = await db
    .select()
    .from(t)
    .where(
      and(
        isUuid(executionId)
          ? or(eq(t.executionId, executionId), eq(t.wkexId, executionId.toLowerCase()))
          : eq(t.executionId, executionId),
        workflowInScope(scope),
      ),
    )
    .orderBy(sql`${t.executionId} = ${executionId} DESC`)
    .limit(1);
  if (workflow === undefined) return undefined;
  const [steps, skills, llm] = await Promise.all([
    db
      .select()
      .from(workflowStepExecutions)
      .where(eq(workflowStepExecutions.wkexId, workflow.wkexId))
      .orderBy(sql`${workflowStepExecutions.stepOrder} ASC NULLS LAST`, workflowStepExecutions.startedAt),
    db
      .select()
      .from(skillExecutions)
      .where(eq(skillExecutions.wkexId, workflow.wkexId))
      .orderBy(skillExecutions.startedAt, skillExecutions.execId),
    llmCallsOf(db, [workflow.wkexId]),
  ]);
  return { workflow, steps, skills, llmCalls: llm };
}
