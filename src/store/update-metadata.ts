import { type SQL, sql } from "drizzle-orm";
import { skillExecutions, workflowExecutions } from "./schema/index.js";
import type { Transaction } from "./transaction.js";

/** The execution tables whose attributes hold a `metadata` object derived in part from other rows. */
const TABLES = {
  skill: { table: skillExecutions, id: skillExecutions.execId, attributes: skillExecutions.attributes },
  workflow: {
    table: workflowExecutions,
    id: workflowExecutions.wkexId,
    attributes: workflowExecutions.attributes,
  },
} as const;

/**
 * Sets `metadata` of the execution rows `rows` selects (from the table as `alias`, with `rest`:
 * its joins and WHERE) to what `metadata` computes for each, rewriting only rows whose metadata
 * changes: a recomputation that finds everything right writes nothing.
 */
export async function updateChangedMetadata(
  tx: Transaction,
  kind: keyof typeof TABLES,
  rows: { readonly alias: string; readonly metadata: SQL; readonly rest: SQL },
): Promise<void> {
  const { table, id, attributes } = TABLES[kind];
  const alias = sql.raw(rows.alias);
  const idName = sql.identifier(id.name);
  const attributesName = sql.identifier(attributes.name);
  // the metadata computed first, apart (MATERIALIZED): joined in the UPDATE, its subqueries' cost
  // counted per row tipped the planner into reading the whole table (a hash join) whenever the
  // tables it reads had no statistics yet (autovacuum off, or not run since they grew)
  await tx.execute(sql`
WITH d AS MATERIALIZED (SELECT ${alias}.${idName} AS id, ${rows.metadata} AS metadata FROM ${table} ${alias} ${rows.rest})
UPDATE ${table} t SET ${attributesName} = jsonb_set(t.${attributesName}, '{metadata}', d.metadata)
FROM d
WHERE t.${idName} = d.id AND t.${attributesName} -> 'metadata' IS DISTINCT FROM d.metadata`);
}
