import { sql } from "drizzle-orm";
import type { JsonObject, WorkflowChange } from "../model/index.js";
import { pgArray } from "./sql-values.js";
import { queryRows, type Transaction } from "./transaction.js";

/**
 * wkex_execution_id is unique (seed). When an app reuses an execution id for another workflow
 * execution, the later one is stored under `<id>:<trace id>:<span id>` (unique, since that pair
 * names one workflow execution) and keeps the original in metadata.source_ids, instead of
 * failing the whole batch.
 */
export async function claimExecutionIds(
  tx: Transaction,
  workflows: readonly WorkflowChange[],
): Promise<WorkflowChange[]> {
  if (workflows.length === 0) return [];
  const owners = new Map<string, string>();
  const rows = await queryRows<{ wkex_id: string; wkex_execution_id: string }>(
    tx,
    sql`SELECT wkex_id, wkex_execution_id FROM "WorkflowExecutions"
        WHERE wkex_execution_id = ANY(${pgArray(workflows.map((w) => w.executionId))}::varchar[])`,
  );
  for (const row of rows) owners.set(row.wkex_execution_id, row.wkex_id);
  const sorted = [...workflows].sort((a, b) => (a.wkexId < b.wkexId ? -1 : a.wkexId > b.wkexId ? 1 : 0));
  return sorted.map((workflow) => {
    const owner = owners.get(workflow.executionId);
    if (owner === undefined || owner === workflow.wkexId) {
      owners.set(workflow.executionId, workflow.wkexId);
      return workflow;
    }
    return renamed(workflow);
  });
}

function renamed(workflow: WorkflowChange): WorkflowChange {
  const executionId = `${workflow.executionId.slice(0, 50)}:${workflow.traceId}:${workflow.spanId}`;
  const metadata: JsonObject = { ...workflow.attributes.metadata };
  const sourceIds = (metadata.source_ids ?? {}) as JsonObject;
  metadata.source_ids = { ...sourceIds, workflow_execution_id: workflow.executionId };
  const warnings = Array.isArray(metadata.warnings) ? metadata.warnings : [];
  metadata.warnings = [
    ...warnings,
    `workflow.execution.id ${JSON.stringify(workflow.executionId)} belongs to another workflow execution; stored as ${JSON.stringify(executionId)}`,
  ];
  return { ...workflow, executionId, attributes: { ...workflow.attributes, metadata } };
}
