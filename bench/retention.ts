/**
 * `npm run bench:retention`: a PostgreSQL database of 2M skill executions, 400k workflow
 * executions and 800k steps spread over 120 days (generated in SQL), and a running execlens.
 * Ingest throughput is measured in rounds first alone (the baseline), then while retention
 * deletes everything older than 60 days exactly as execlens runs it (`deleteExpired`: batches of
 * 2,000, resting at least 50 ms, four times the batch's time and its WAL at retention's rate). Prints the rows
 * deleted and how fast, ingest during retention against the baseline (per round and per minute),
 * the next day's run (with and without its rests), the rows kept, and the dead tuples and table
 * sizes left behind. SMOKE=1 runs a small version.
 */
import pg from "pg";
import { deleteExpired, openDatabase, walBudget as walBudgetOf } from "../src/store/index.js";
import { spawnExeclens } from "../test/helpers/child-execlens.js";
import { ensureVolume } from "./bench-database.js";
import { freshDatabase } from "./fresh-database.js";
import { median } from "./median.js";
import { sendBodies } from "./send.js";
import { ROWS_PER_TRACE, workloadBodies } from "./workload.js";

const smoke = process.env.SMOKE === "1";
const volume = smoke
  ? { skills: 20_000, workflows: 4_000, days: 120 }
  : { skills: 2_000_000, workflows: 400_000, days: 120 };
const RETENTION_DAYS = 60;
const TRACES_PER_ROUND = smoke ? 40 : 400;
const BASELINE_ROUNDS = Number(process.env.BASELINE_ROUNDS ?? 5);
const SENDERS = 4;

const log = (line: string) => console.log(line);
const url = await freshDatabase("execlens_bench_retention");
await ensureVolume(url, volume, log);
const client = new pg.Client({ connectionString: url });
await client.connect();
const began = Date.now();
await client.query(
  `INSERT INTO "WorkflowStepExecutions" (wstp_id, wkex_id, wstp_step_id, wstp_step_order, wstp_status,
     wstp_started_at, wstp_completed_at, wstp_duration_ms, wstp_created_at)
   SELECT md5(w.wkex_id::text || o)::uuid, w.wkex_id, 'step-' || o, o, 'completed',
     w.wkex_started_at, w.wkex_started_at + interval '1 second', 1000, w.wkex_started_at
   FROM "WorkflowExecutions" w CROSS JOIN generate_series(1, 2) AS o`,
);
await client.query(`VACUUM (ANALYZE) "WorkflowStepExecutions"`);
log(`loaded ${volume.workflows * 2} steps in ${Date.now() - began} ms`);

const cutoff = new Date(Date.now() - RETENTION_DAYS * 86_400_000);
/** Where the second run (a day later) cuts: the census counts old and kept rows against it. */
const nextDayCutoff = new Date(cutoff.getTime() + 86_400_000);
const census = async () => {
  const { rows } = await client.query(
    `SELECT
       (SELECT count(*) FROM "SkillExecutions" WHERE exec_started_at < $1)::int AS "old skills",
       (SELECT count(*) FROM "SkillExecutions" WHERE exec_started_at >= $1 AND exec_trace_id LIKE '0000000000%')::int AS "kept skills",
       (SELECT count(*) FROM "WorkflowExecutions" WHERE wkex_started_at < $1 AND wkex_status NOT IN ('pending', 'running', 'paused'))::int AS "old finished workflows",
       (SELECT count(*) FROM "WorkflowExecutions" WHERE wkex_started_at < $1 AND wkex_status IN ('pending', 'running', 'paused'))::int AS "old unfinished workflows",
       (SELECT count(*) FROM "WorkflowExecutions" WHERE wkex_started_at >= $1 AND wkex_trace_id LIKE '0000000000%')::int AS "kept workflows",
       (SELECT count(*) FROM "WorkflowStepExecutions" s JOIN "WorkflowExecutions" w USING (wkex_id)
         WHERE w.wkex_started_at >= $1 AND w.wkex_trace_id LIKE '0000000000%')::int AS "steps of kept workflows",
       (SELECT count(*) FROM "WorkflowStepExecutions" s WHERE NOT EXISTS (SELECT 1 FROM "WorkflowExecutions" w WHERE w.wkex_id = s.wkex_id))::int AS "orphan steps"`,
    [nextDayCutoff.toISOString()],
  );
  return rows[0] as Record<string, number>;
};
const tables = async () => {
  const { rows } = await client.query(
    `SELECT relname AS table, n_live_tup::int AS live, n_dead_tup::int AS dead,
       pg_size_pretty(pg_total_relation_size(relid)) AS size, last_autovacuum IS NOT NULL AS autovacuumed
     FROM pg_stat_user_tables WHERE relname IN ('SkillExecutions', 'WorkflowExecutions', 'WorkflowStepExecutions')
     ORDER BY relname`,
  );
  return rows;
};
const before = await census();
console.table({ before });
console.table(await tables());

// Generated rows are told from ingested ones by their zero-padded trace ids. Each round is new
// traces, made when it is sent: retention, paced by its WAL, can take many minutes.
let roundsMade = 0;
const nextRound = () => workloadBodies(TRACES_PER_ROUND, 100 + roundsMade++);
// The generated data holds thousands of long-running workflows: the timeout sweeper would be
// marking them all through the run, which is not what is measured here.
const execlens = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
  DATABASE_URL: url,
  EXECLENS_SWEEP_INTERVAL_MS: String(24 * 60 * 60 * 1000),
});
const { otlpHttp } = await execlens.ready(60_000);
/** The ingest rate of `rounds` rounds that took `ms` together. */
const rowsPerSecond = (ms: number, rounds = 1) =>
  Math.round(((rounds * TRACES_PER_ROUND * ROWS_PER_TRACE) / ms) * 1000);

/** One round's time (ms), sent by 4 senders. */
const round = async () => (await sendBodies(otlpHttp, await nextRound(), SENDERS)).ms;
const baselineMs: number[] = [];
for (let r = 0; r < BASELINE_ROUNDS; r++) baselineMs.push(await round());
const baseline = baselineMs.map((ms) => rowsPerSecond(ms));
/**
 * The rounds' rate over consecutive windows of at least a minute: a round takes a few seconds, and
 * on two shared cores one round's rate says as much about the machine as about retention.
 */
const perMinute = (ms: readonly number[]) => {
  const windows: number[] = [];
  let [rounds, total] = [0, 0];
  for (const m of ms) {
    rounds++;
    total += m;
    if (total >= 60_000) {
      windows.push(rowsPerSecond(total, rounds));
      [rounds, total] = [0, 0];
    }
  }
  if (windows.length === 0 && rounds > 0) windows.push(rowsPerSecond(total, rounds));
  return windows;
};

const handle = await openDatabase({ databaseUrl: url });
const walBudget = await walBudgetOf(handle.db);
/** Runs retention up to `until` as execlens does, sending ingest rounds until it is done (at least one). */
async function retentionUnderIngest(until: Date, since?: Date) {
  const began = performance.now();
  let ms = 0;
  /** The batches' own time, without the rests between them. */
  let workMs = 0;
  let done = false;
  const run = deleteExpired(handle.db, until, {
    pauseMs: 50,
    since,
    onBatch: (batch) => {
      workMs += batch.ms;
    },
  }).then((result) => {
    ms = performance.now() - began;
    done = true;
    return result;
  });
  const duringMs: number[] = [];
  while (!done || duringMs.length === 0) duringMs.push(await round());
  const deleted = await run;
  return { deleted, ms, workMs, during: duringMs.map((ms) => rowsPerSecond(ms)), duringMs };
}
// The first run catches up with 60 days of backlog (the worst case: retention just turned on);
// the second is a day later, a day's worth of rows (24 of execlens' hourly runs at once).
const catchUp = await retentionUnderIngest(cutoff);
// The next day's run is measured at steady state: a day after the catch-up, autovacuum has removed
// the dead rows and index entries it left (done here at once), and their WAL is checkpointed.
const vacuumBegan = Date.now();
await client.query(
  `VACUUM (ANALYZE) "SkillExecutions", "WorkflowExecutions", "WorkflowStepExecutions", "SpanIndex", "LlmCalls", "ClientCalls"`,
);
log(`vacuumed after the catch-up in ${Date.now() - vacuumBegan} ms`);
await client.query("CHECKPOINT");
// from the catch-up's cutoff on, as execlens' next hourly run looks (upkeep/index.ts)
const nextDay = await retentionUnderIngest(nextDayCutoff, cutoff);
const { deleted, ms: retentionMs, during, duringMs } = catchUp;
const duringPerMinute = perMinute(duringMs);
execlens.child.kill("SIGTERM");
await execlens.exited;
await handle.close();

const after = await census();
console.table({ before, after });
console.table(await tables());
/** An ingest rate as a share of the baseline's median, to two decimals. */
const ofBaseline = (rowsPerSecond: number) => Math.round((rowsPerSecond / median(baseline)) * 100) / 100;
const deletedRows = deleted.skills + deleted.workflows + deleted.steps;
const summary = {
  volume,
  retentionDays: RETENTION_DAYS,
  deleted,
  retention: {
    ms: Math.round(retentionMs),
    rowsPerSecond: Math.round((deletedRows / retentionMs) * 1000),
    walBytesPerSecond: Math.round((deleted.walBytes / retentionMs) * 1000),
    walBudgetBytesPerSecond: Math.round(walBudget),
  },
  ingest: {
    baselineRowsPerSecond: baseline,
    duringRetentionRowsPerSecond: during,
    "median during/baseline": ofBaseline(median(during)),
    "min during/baseline": ofBaseline(Math.min(...during)),
    duringRetentionRowsPerSecondPerMinute: duringPerMinute,
    "min of a minute during/baseline": ofBaseline(Math.min(...duringPerMinute)),
  },
  nextDay: {
    deleted: nextDay.deleted,
    ms: Math.round(nextDay.ms),
    "ms without the rests": Math.round(nextDay.workMs),
    duringRetentionRowsPerSecond: nextDay.during,
    "median during/baseline": ofBaseline(median(nextDay.during)),
  },
};
console.log(JSON.stringify(summary));
const wrong =
  after["old skills"] !== 0 ||
  after["old finished workflows"] !== 0 ||
  after["old unfinished workflows"] !== before["old unfinished workflows"] ||
  after["orphan steps"] !== 0 ||
  after["kept workflows"] !== before["kept workflows"] ||
  after["kept skills"] !== before["kept skills"] ||
  after["steps of kept workflows"] !== before["steps of kept workflows"] ||
  during.length === 0;
await client.end();
if (wrong)
  throw new Error("retention left old rows, lost kept ones, or ended before ingest could be measured");
