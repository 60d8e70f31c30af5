import { type SQL, sql } from "drizzle-orm";
import type { EntrySpanChange } from "../model/index.js";
import { entrySpans } from "./schema/index.js";
import { chunks, pgArray } from "./sql-values.js";
import { queryRows, type Transaction } from "./transaction.js";
import { updateChangedMetadata } from "./update-metadata.js";

/**
 * Stores the batch's entry spans (SERVER and CONSUMER spans) and returns the workflow executions
 * already stored in their traces: those may be enclosed by one and are recomputed with the batch.
 */
export async function writeEntrySpans(
  tx: Transaction,
  entries: readonly EntrySpanChange[],
): Promise<string[]> {
  if (entries.length === 0) return [];
  for (const rows of chunks(entries)) {
    await tx
      .insert(entrySpans)
      .values(rows.map((e) => ({ ...e })))
      .onConflictDoNothing();
  }
  const traceIds = [...new Set(entries.map((e) => e.traceId))];
  const workflows = await queryRows<{ wkex_id: string }>(
    tx,
    sql`SELECT wkex_id FROM "WorkflowExecutions" WHERE wkex_trace_id = ANY(${pgArray(traceIds)}::varchar[])`,
  );
  return workflows.map((w) => w.wkex_id);
}

/**
 * `metadata` with what the entry span `x` says filled in where the execution's own span said
 * nothing, as `keys` (metadata key → entry column). The keys it filled are named in
 * metadata.entrySpan.filled, so that they are taken again from scratch on every recompute.
 */
function withEntry(metadata: SQL, keys: Readonly<Record<string, string>>): SQL {
  const pairs = sql.join(
    Object.entries(keys).map(([key, column]) => sql`${key}::text, x.${sql.identifier(column)}`),
    sql`, `,
  );
  return sql`(SELECT o.own || f.fill || jsonb_build_object('entrySpan',
      jsonb_build_object('spanId', x.span_id, 'name', x.name, 'filled', to_jsonb(ARRAY(SELECT jsonb_object_keys(f.fill)))))
    FROM (SELECT coalesce(${metadata}, '{}'::jsonb)
        - coalesce(ARRAY(SELECT jsonb_array_elements_text(${metadata} #> '{entrySpan,filled}')), '{}'::text[])
        - 'entrySpan' AS own) o
    CROSS JOIN LATERAL (SELECT jsonb_strip_nulls(jsonb_build_object(${pairs})) - ARRAY(SELECT jsonb_object_keys(o.own)) AS fill) f)`;
}

/** The outermost entry span of `traceId` that encloses [started, completed]: the request the execution served. */
function enclosingEntry(traceId: SQL, started: SQL, completed: SQL): SQL {
  return sql`(SELECT * FROM "EntrySpans" e WHERE e.trace_id = ${traceId}
    AND e.started_at <= ${started} AND e.completed_at >= coalesce(${completed}, ${started})
    ORDER BY e.started_at, e.span_id LIMIT 1)`;
}

/**
 * metadata.ipAddress, userAgent (and, for workflows, source) of the given workflow executions and
 * their skills, from the request's entry span when one is stored: recomputed, so entry span and
 * executions may arrive in any order.
 */
export async function recomputeEntryContext(tx: Transaction, wkexIds: readonly string[]): Promise<void> {
  if (wkexIds.length === 0) return;
  const ids = sql`ANY(${pgArray(wkexIds)}::uuid[])`;
  const workflowMetadata = withEntry(sql`w.wkex_attributes -> 'metadata'`, {
    ipAddress: "client_address",
    userAgent: "user_agent",
    source: "name",
  });
  await updateChangedMetadata(tx, "workflow", {
    alias: "w",
    metadata: workflowMetadata,
    rest: sql`CROSS JOIN LATERAL ${enclosingEntry(sql`w.wkex_trace_id`, sql`w.wkex_started_at`, sql`w.wkex_completed_at`)} x
      WHERE w.wkex_id = ${ids}`,
  });
  const skillMetadata = withEntry(sql`k.exec_attributes -> 'metadata'`, {
    ipAddress: "client_address",
    userAgent: "user_agent",
  });
  await updateChangedMetadata(tx, "skill", {
    alias: "k",
    metadata: skillMetadata,
    rest: sql`CROSS JOIN LATERAL ${enclosingEntry(sql`k.exec_trace_id`, sql`k.exec_started_at`, sql`k.exec_completed_at`)} x
      WHERE k.wkex_id = ${ids}`,
  });
}
