import { type SQL, sql } from "drizzle-orm";
import { UNFINISHED_STATUSES } from "../model/index.js";
import type { Database } from "./database.js";
import { sqlList } from "./schema/columns.js";
import { queryRows } from "./transaction.js";

export interface RetentionResult {
  workflows: number;
  steps: number;
  skills: number;
  spanIndex: number;
  llmCalls: number;
  clientCalls: number;
  aiCalls: number;
  entrySpans: number;
  openTraces: number;
}

/** Rows deleted per statement: short transactions, short locks, vacuum keeps up. */
const BATCH = 2_000;
/** After each batch retention rests this many times as long as the batch took: at most a fifth of one connection's time. */
const REST_FACTOR = 4;

/**
 * Deletes executions that started before `cutoff` (with their steps; and model requests, client
 * calls, AI call candidates and span index entries received before it) in bounded batches, each its own short transaction found through the started_at and
 * created_at indexes, so a busy database never sees a long lock or one huge delete; between
 * batches it rests at least `pauseMs` and four times as long as the batch took. Workflow executions
 * still pending, running or paused are kept. With `since` (the previous run's cutoff) only rows
 * from there on are looked at.
 */
export async function deleteExpired(
  db: Database,
  cutoff: Date,
  pauseMs = 0,
  since?: Date,
): Promise<RetentionResult> {
  const totals: RetentionResult = {
    workflows: 0,
    steps: 0,
    skills: 0,
    spanIndex: 0,
    llmCalls: 0,
    clientCalls: 0,
    aiCalls: 0,
    entrySpans: 0,
    openTraces: 0,
  };
  const at = cutoff.toISOString();
  // from the previous run's cutoff: the index scans start where live rows begin, not at the dead
  // entries that run left behind (vacuum has not necessarily removed them yet)
  const from = (column: SQL) =>
    since === undefined ? sql`` : sql` AND ${column} >= ${since.toISOString()}::timestamptz`;
  const repeat = async (statement: SQL, add: (row: Record<string, number>) => number) => {
    for (;;) {
      const began = performance.now();
      const [row] = await queryRows<Record<string, number>>(db, statement);
      if (add(row ?? {}) < BATCH) return;
      const rest = Math.max(pauseMs, (performance.now() - began) * REST_FACTOR);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  };
  await repeat(
    sql`WITH batch AS (
      SELECT wkex_id FROM "WorkflowExecutions"
      WHERE wkex_started_at < ${at}::timestamptz${from(sql`wkex_started_at`)} AND wkex_status NOT IN (${sqlList(UNFINISHED_STATUSES)})
      LIMIT ${BATCH}
    ), steps AS (
      DELETE FROM "WorkflowStepExecutions" s USING batch WHERE s.wkex_id = batch.wkex_id RETURNING 1
    ), gone AS (
      DELETE FROM "WorkflowExecutions" w USING batch WHERE w.wkex_id = batch.wkex_id RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone)::int AS workflows, (SELECT count(*) FROM steps)::int AS steps`,
    (row) => {
      totals.workflows += Number(row.workflows ?? 0);
      totals.steps += Number(row.steps ?? 0);
      return Number(row.workflows ?? 0);
    },
  );
  await repeat(
    sql`WITH gone AS (
      DELETE FROM "SkillExecutions" WHERE exec_id IN (
        SELECT exec_id FROM "SkillExecutions" WHERE exec_started_at < ${at}::timestamptz${from(sql`exec_started_at`)} LIMIT ${BATCH})
      RETURNING 1)
    SELECT count(*)::int AS skills FROM gone`,
    (row) => {
      totals.skills += Number(row.skills ?? 0);
      return Number(row.skills ?? 0);
    },
  );
  for (const [table, key] of [
    ["LlmCalls", "llmCalls"],
    ["ClientCalls", "clientCalls"],
    ["AiCalls", "aiCalls"],
    ["EntrySpans", "entrySpans"],
  ] as const) {
    await repeat(
      sql`WITH gone AS (
        DELETE FROM ${sql.identifier(table)} WHERE (trace_id, span_id) IN (
          SELECT trace_id, span_id FROM ${sql.identifier(table)} WHERE created_at < ${at}::timestamptz${from(sql`created_at`)} LIMIT ${BATCH})
        RETURNING 1)
      SELECT count(*)::int AS n FROM gone`,
      (row) => {
        totals[key] += Number(row.n ?? 0);
        return Number(row.n ?? 0);
      },
    );
  }
  // the index keeps a day per span (BRIN over it): whole days go
  await repeat(
    sql`WITH gone AS (
      DELETE FROM "SpanIndex" WHERE (trace_id, span_id) IN (
        SELECT trace_id, span_id FROM "SpanIndex" WHERE created_on < (${at}::timestamptz AT TIME ZONE 'UTC')::date${since === undefined ? sql`` : sql` AND created_on >= (${since.toISOString()}::timestamptz AT TIME ZONE 'UTC')::date`} LIMIT ${BATCH})
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
    (row) => {
      totals.spanIndex += Number(row.n ?? 0);
      return Number(row.n ?? 0);
    },
  );
  await repeat(
    sql`WITH gone AS (
      DELETE FROM "OpenTraces" WHERE trace_id IN (
        SELECT trace_id FROM "OpenTraces" WHERE last_seen_at < ${at}::timestamptz${from(sql`last_seen_at`)} LIMIT ${BATCH})
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
    (row) => {
      totals.openTraces += Number(row.n ?? 0);
      return Number(row.n ?? 0);
    },
  );
  return totals;
}
