import { eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import { isUuid, sourceIdToUuid, type Timestamp } from "../../model/index.js";
import type { Database } from "../database.js";
import { type LlmCall, llmCalls, workflowExecutions } from "../schema/index.js";
import { jsonArray } from "./json.js";
import type { PageRequest } from "./keyset.js";
import { listQuery } from "./list.js";
import type { Page } from "./page.js";
import { llmCallInScope, type Scope } from "./scope.js";

export interface LlmCallFilters {
  readonly model?: string;
  readonly provider?: string;
  /** wkex_id or wkex_execution_id. */
  readonly workflowExecution?: string;
  readonly organizationId?: string;
  readonly startedFrom?: Timestamp;
  readonly startedTo?: Timestamp;
}

/** wkex_ids named by a wkex_id or an execution id. */
export function workflowExecutionIds(value: string): SQL {
  const uuid = isUuid(value) ? sql`${value.toLowerCase()}::uuid` : sql`NULL::uuid`;
  return sql`(SELECT wkex_id FROM "WorkflowExecutions" WHERE wkex_id = ${uuid} OR wkex_execution_id = ${value})`;
}

/** The statement the model-request list issues (exported so that its plans can be examined). */
export function llmCallListQuery(
  db: Database,
  scope: Scope,
  filters: LlmCallFilters,
  page: PageRequest,
  json: SQL,
) {
  const t = llmCalls;
  return listQuery(
    db,
    t,
    { started: "startedAt", duration: "durationMs", id: "llmId" },
    [
      llmCallInScope(scope),
      filters.model === undefined ? undefined : eq(t.model, filters.model),
      filters.provider === undefined ? undefined : eq(t.provider, filters.provider),
      filters.workflowExecution === undefined
        ? undefined
        : sql`${t.wkexId} IN ${workflowExecutionIds(filters.workflowExecution)}`,
      filters.organizationId === undefined
        ? undefined
        : sql`${t.wkexId} IN (SELECT wkex_id FROM "WorkflowExecutions" WHERE organization_id = ${sourceIdToUuid(filters.organizationId)}::uuid)`,
      filters.startedFrom === undefined ? undefined : gte(t.startedAt, filters.startedFrom),
      filters.startedTo === undefined ? undefined : lt(t.startedAt, filters.startedTo),
    ],
    page,
    json,
  );
}

/** A page of model requests, each as the JSON text `json` makes of its row. */
export function listLlmCalls(
  db: Database,
  scope: Scope,
  filters: LlmCallFilters,
  page: PageRequest,
  json: SQL,
): Promise<Page<string>> {
  return llmCallListQuery(db, scope, filters, page, json).run();
}

const START_ORDER = [sql`${llmCalls.startedAt}`, sql`${llmCalls.llmId}`];

/** The model requests of workflow executions, in start order. */
export function llmCallsOf(db: Database, wkexIds: readonly string[]): Promise<LlmCall[]> {
  return db
    .select()
    .from(llmCalls)
    .where(inArray(llmCalls.wkexId, [...wkexIds]))
    .orderBy(...START_ORDER);
}

/** The JSON array of the workflow execution's model requests (each as `item` makes it), in start order. */
export function workflowLlmCallsJson(item: SQL): SQL {
  const t = llmCalls;
  return jsonArray(item, sql`FROM ${t} WHERE ${t.wkexId} = ${workflowExecutions.wkexId}`, START_ORDER);
}
