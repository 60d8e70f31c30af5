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
  /** WAL the batches wrote: the server's while they ran, less what the others wrote at the rate measured between batches, at least their rows' delete records. */
  walBytes: number;
}

export interface RetentionOptions {
  /** Rest at least this long between batches. */
  readonly pauseMs?: number;
  /** The previous run's cutoff: only rows from there on are looked at. */
  readonly since?: Date | undefined;
  /** Rows deleted per statement. */
  readonly batchRows?: number;
  /** The WAL rate retention keeps to; by default a share of what the checkpoint settings allow (walBudget). */
  readonly walBytesPerSecond?: number;
  /** Told after each batch what it deleted, the WAL it wrote and how long retention rests. */
  readonly onBatch?: (batch: RetentionBatch) => void;
}

export interface RetentionBatch {
  readonly rows: number;
  readonly ms: number;
  readonly walBytes: number;
  readonly restMs: number;
}

/** Rows deleted per statement: short transactions, short locks, vacuum keeps up. */
const DEFAULT_BATCH = 2_000;
/** After each batch retention rests this many times as long as the batch took: at most a fifth of one connection's time. */
const REST_FACTOR = 4;
/**
 * Retention's share of the WAL rate PostgreSQL sustains without requesting a checkpoint before
 * `checkpoint_timeout`. A catch-up's deletes dirty page after page, each first write after a
 * checkpoint a full-page image; unpaced they forced checkpoints every few seconds and stalled
 * ingest (bench/RESULTS.md, retention). The rest is left to ingest.
 */
const WAL_SHARE = 0.5;
/**
 * The smallest WAL record a deleted row writes (record header, block reference, xl_heap_delete).
 * A batch's WAL is never estimated below its rows' records: a burst of the others' WAL between
 * batches must not make a batch look free and cut its rest short.
 */
const DELETE_RECORD_BYTES = 54;

/**
 * The WAL rate retention keeps to, in bytes per second: WAL_SHARE of `max_wal_size` spread over
 * a checkpoint cycle (PostgreSQL requests a checkpoint once `max_wal_size / (1 +
 * checkpoint_completion_target)` has been written since the last). About 0.9 MB/s with
 * PostgreSQL's defaults; raising `max_wal_size` lets a catch-up go faster.
 */
export async function walBudget(db: Database): Promise<number> {
  const [row] = await queryRows<{ rate: number }>(
    db,
    sql`SELECT pg_size_bytes(current_setting('max_wal_size'))::float8
      / (1 + current_setting('checkpoint_completion_target')::float8)
      / extract(epoch FROM current_setting('checkpoint_timeout')::interval)::float8 AS rate`,
  );
  return Number(row?.rate) * WAL_SHARE;
}

/** How long to rest after a batch: the floor, a multiple of its time, and what its WAL costs at the budget's rate. */
function restAfter(batch: { ms: number; walBytes: number }, pauseMs: number, walBytesPerSecond: number) {
  return Math.max(pauseMs, batch.ms * REST_FACTOR, (batch.walBytes / walBytesPerSecond) * 1000 - batch.ms);
}

const walPosition = async (db: Database) =>
  Number(
    (
      await queryRows<{ at: number }>(
        db,
        sql`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8 AS at`,
      )
    )[0]?.at,
  );

/**
 * Deletes executions that started before `cutoff` (with their steps; and model requests, client
 * calls, AI call candidates and span index entries received before it) in bounded batches, each
 * its own short transaction found through the started_at and created_at indexes, so a busy
 * database never sees a long lock or one huge delete. Between batches it rests (restAfter): at
 * least `pauseMs`, four times as long as the batch took, and as long as its WAL takes at the
 * budget's rate. Workflow executions still pending, running or paused are kept. With `since`
 * (the previous run's cutoff) only rows from there on are looked at.
 */
export async function deleteExpired(
  db: Database,
  cutoff: Date,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const { pauseMs = 0, since, onBatch } = options;
  const batchRows = options.batchRows ?? DEFAULT_BATCH;
  const walBytesPerSecond = options.walBytesPerSecond ?? (await walBudget(db));
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
    walBytes: 0,
  };
  const at = cutoff.toISOString();
  // from the previous run's cutoff: the index scans start where live rows begin, not at the dead
  // entries that run left behind (vacuum has not necessarily removed them yet)
  const from = (column: SQL) =>
    since === undefined ? sql`` : sql` AND ${column} >= ${since.toISOString()}::timestamptz`;
  // The WAL position is the whole server's: while a batch runs, ingest writes too. What the
  // others write per ms is measured over the rests (retention writes nothing then) and taken off.
  let othersPerMs = 0;
  let lastEnd: { at: number; wal: number } | undefined;
  const repeat = async (statement: SQL, add: (row: Record<string, number>) => number) => {
    for (;;) {
      const began = performance.now();
      const walBefore = await walPosition(db);
      if (lastEnd !== undefined && began > lastEnd.at) {
        othersPerMs = Math.max(0, walBefore - lastEnd.wal) / (began - lastEnd.at);
      }
      const [row] = await queryRows<Record<string, number>>(db, statement);
      const rows = add(row ?? {});
      lastEnd = { at: performance.now(), wal: await walPosition(db) };
      const ms = lastEnd.at - began;
      const batch = {
        rows,
        ms,
        walBytes: Math.round(
          Math.max(rows * DELETE_RECORD_BYTES, lastEnd.wal - walBefore - othersPerMs * ms),
        ),
      };
      totals.walBytes += batch.walBytes;
      const last = rows < batchRows;
      const restMs = last ? 0 : restAfter(batch, pauseMs, walBytesPerSecond);
      onBatch?.({ ...batch, restMs });
      if (last) return;
      if (restMs > 0) await new Promise((resolve) => setTimeout(resolve, restMs));
    }
  };
  await repeat(
    sql`WITH batch AS (
      SELECT wkex_id FROM "WorkflowExecutions"
      WHERE wkex_started_at < ${at}::timestamptz${from(sql`wkex_started_at`)} AND wkex_status NOT IN (${sqlList(UNFINISHED_STATUSES)})
      LIMIT ${batchRows}
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
        SELECT exec_id FROM "SkillExecutions" WHERE exec_started_at < ${at}::timestamptz${from(sql`exec_started_at`)} LIMIT ${batchRows})
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
          SELECT trace_id, span_id FROM ${sql.identifier(table)} WHERE created_at < ${at}::timestamptz${from(sql`created_at`)} LIMIT ${batchRows})
        RETURNING 1)
      SELECT count(*)::int AS n FROM gone`,
      (row) => {
        totals[key] += Number(row.n ?? 0);
        return Number(row.n ?? 0);
      },
    );
  }
  // the index keeps a day per span or packed trace (BRIN over it): whole days go
  const beforeDay = sql`created_on < (${at}::timestamptz AT TIME ZONE 'UTC')::date${since === undefined ? sql`` : sql` AND created_on >= (${since.toISOString()}::timestamptz AT TIME ZONE 'UTC')::date`}`;
  await repeat(
    sql`WITH gone AS (
      DELETE FROM "SpanIndex" WHERE (trace_id, span_id) IN (
        SELECT trace_id, span_id FROM "SpanIndex" WHERE ${beforeDay} LIMIT ${batchRows})
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
    (row) => {
      totals.spanIndex += Number(row.n ?? 0);
      return Number(row.n ?? 0);
    },
  );
  await repeat(
    sql`WITH gone AS (
      DELETE FROM "TraceIndex" WHERE trace_id IN (
        SELECT trace_id FROM "TraceIndex" WHERE ${beforeDay} LIMIT ${batchRows})
      RETURNING cardinality(span_ids) AS n)
    SELECT coalesce(sum(n), 0)::int AS n, count(*)::int AS rows FROM gone`,
    (row) => {
      totals.spanIndex += Number(row.n ?? 0);
      return Number(row.rows ?? 0);
    },
  );
  await repeat(
    sql`WITH gone AS (
      DELETE FROM "OpenTraces" WHERE trace_id IN (
        SELECT trace_id FROM "OpenTraces" WHERE last_seen_at < ${at}::timestamptz${from(sql`last_seen_at`)} LIMIT ${batchRows})
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
    (row) => {
      totals.openTraces += Number(row.n ?? 0);
      return Number(row.n ?? 0);
    },
  );
  return totals;
}
