import { type AnyColumn, and, eq, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { isUuid, sourceIdToUuid } from "../../mappers/index.js";
import type { Database } from "../database.js";
import {
  type SkillExecution,
  skillExecutions,
  type WorkflowExecution,
  type WorkflowStepExecution,
  workflowExecutions,
  workflowStepExecutions,
} from "../schema/index.js";
import { keyset, type PageRequest } from "./keyset.js";
import { type Scope, skillInScope, workflowInScope } from "./scope.js";

/** Filters shared by both lists; ids may be UUIDs or the original strings the app sent. */
export interface ExecutionFilters {
  readonly companionId?: string;
  readonly userId?: string;
  readonly organizationId?: string;
  readonly status?: readonly string[];
  readonly sessionId?: string;
  readonly conversationId?: string;
  readonly startedFrom?: Date;
  readonly startedTo?: Date;
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

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
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

/** wkex_ids named by a wkex_id or an execution id. */
function workflowExecutionIds(value: string): SQL {
  const uuid = isUuid(value) ? sql`${value.toLowerCase()}::uuid` : sql`NULL::uuid`;
  return sql`(SELECT wkex_id FROM "WorkflowExecutions" WHERE wkex_id = ${uuid} OR wkex_execution_id = ${value})`;
}

/** The statement the skill list issues (exported so that its plans can be examined). */
export function skillListQuery(db: Database, scope: Scope, filters: SkillFilters, page: PageRequest) {
  const t = skillExecutions;
  const paging = keyset(page, { started: t.startedAt, duration: t.durationMs, id: t.execId });
  const query = db
    .select()
    .from(t)
    .where(
      and(
        skillInScope(scope),
        byId(t.skillId, filters.skillId),
        ...commonConditions(t, filters),
        filters.workflowExecution === undefined
          ? undefined
          : sql`${t.wkexId} IN ${workflowExecutionIds(filters.workflowExecution)}`,
        ...paging.where,
      ),
    )
    .orderBy(...paging.orderBy)
    .limit(page.limit + 1);
  return { query, paging };
}

export async function listSkillExecutions(
  db: Database,
  scope: Scope,
  filters: SkillFilters,
  page: PageRequest,
): Promise<Page<SkillExecution>> {
  const { query, paging } = skillListQuery(db, scope, filters, page);
  return pageOf(await query, page.limit, (r) =>
    paging.cursorOf({ id: r.execId, started: r.startedAt, duration: r.durationMs }),
  );
}

/** The statement the workflow list issues (exported so that its plans can be examined). */
export function workflowListQuery(db: Database, scope: Scope, filters: WorkflowFilters, page: PageRequest) {
  const t = workflowExecutions;
  const paging = keyset(page, { started: t.startedAt, duration: t.totalDurationMs, id: t.wkexId });
  const query = db
    .select()
    .from(t)
    .where(
      and(
        workflowInScope(scope),
        byId(t.workflowId, filters.workflowId),
        ...commonConditions({ ...t, durationMs: t.totalDurationMs }, filters),
        ...paging.where,
      ),
    )
    .orderBy(...paging.orderBy)
    .limit(page.limit + 1);
  return { query, paging };
}

export async function listWorkflowExecutions(
  db: Database,
  scope: Scope,
  filters: WorkflowFilters,
  page: PageRequest,
): Promise<Page<WorkflowExecution>> {
  const { query, paging } = workflowListQuery(db, scope, filters, page);
  return pageOf(await query, page.limit, (r) =>
    paging.cursorOf({ id: r.wkexId, started: r.startedAt, duration: r.totalDurationMs }),
  );
}

function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
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
  const [steps, skills] = await Promise.all([
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
  ]);
  return { workflow, steps, skills };
}
