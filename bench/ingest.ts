/**
 * `npm run bench:ingest`: N concurrent senders POST the workload to a running execlens on the
 * PostgreSQL server until every request is acknowledged, then the rows are checked. In the same
 * run, on fresh databases of the same schema: the same rows written with one COPY stream per
 * table (the limit: the median of three runs), every row execlens stored read back and written the
 * same way (the limit of its tables, were decoding, mapping and resolving free), and the seed's own
 * way — each execution inserted `pending`, updated to `running`, then to `completed`, one
 * statement at a time through drizzle (the naive baseline). Also the same ingest on embedded PGlite (reported). SMOKE=1 runs a small version; PROCESSES=n
 * runs n execlens processes on the PostgreSQL database, the senders split between them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { decodeProtobufRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import type { ExecutionChanges } from "../src/model/index.js";
import {
  mergeChanges,
  openDatabase,
  STORE_TABLES,
  skillExecutions,
  workflowExecutions,
  workflowStepExecutions,
} from "../src/store/index.js";
import { spawnExeclens } from "../test/helpers/child-execlens.js";
import { freshDatabase } from "./fresh-database.js";
import { median } from "./median.js";
import { postgresCpuNanos } from "./postgres-cpu.js";
import { sendBodies } from "./send.js";
import { ROWS_PER_TRACE, SPANS_PER_TRACE, type Workload, workloadBodies } from "./workload.js";

const smoke = process.env.SMOKE === "1";
const TRACES = smoke ? 60 : Number(process.env.TRACES ?? 2000);
const SENDERS = Number(process.env.SENDERS ?? 4);
/** execlens processes sharing the PostgreSQL database (PGlite: always one, its data dir is locked). */
const PROCESSES = Number(process.env.PROCESSES ?? 1);
const NAIVE_TRACES = smoke ? 20 : 200;
/**
 * COPY of the rows takes about a second, and one run moved between 13.8k and 22.7k rows/s within
 * minutes (2026-12-03): the limit is the median of three, each into a fresh database.
 */
const COPY_RUNS = smoke ? 1 : 3;

/** The rows of one query, on a connection of its own. */
async function queryOnce<T extends object>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function counts(url: string) {
  const [row] = await queryOnce<{ workflows: number; steps: number; skills: number }>(
    url,
    `SELECT (SELECT count(*) FROM "WorkflowExecutions")::int AS workflows, (SELECT count(*) FROM "WorkflowStepExecutions")::int AS steps, (SELECT count(*) FROM "SkillExecutions")::int AS skills`,
  );
  return row as { workflows: number; steps: number; skills: number };
}

/**
 * The bodies sent to fresh execlens processes (`processes` of them on one database, each sent
 * every processes-th body by its share of the SENDERS senders), with the CPU time they and (when
 * local) the PostgreSQL server used from the first request to the last answer. Then, when given,
 * `afterwards` is sent to the same processes the same way and timed on its own (the rate once
 * started and warmed up); the PostgreSQL server's CPU, read once the processes have exited,
 * includes that phase.
 */
async function execlensIngest(
  bodies: Uint8Array[],
  env: Record<string, string>,
  processes = 1,
  afterwards: readonly Uint8Array[] = [],
) {
  const children = Array.from({ length: processes }, () =>
    spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], env),
  );
  const urls = await Promise.all(children.map(async (child) => (await child.ready(60_000)).otlpHttp));
  const sendAll = (all: readonly Uint8Array[]) =>
    Promise.all(
      urls.map((url, i) =>
        sendBodies(
          url,
          all.filter((_, b) => b % processes === i),
          // SENDERS in all, the remainder to the first processes (at least one each)
          Math.max(1, Math.floor(SENDERS / processes) + (i < SENDERS % processes ? 1 : 0)),
        ),
      ),
    );
  const cpu = () => children.reduce((n, child) => n + child.cpuNanos(), 0);
  const ticks = () =>
    children.reduce(
      (sum, child) => {
        const t = child.cpuTicks();
        return { user: sum.user + t.user, system: sum.system + t.system };
      },
      { user: 0, system: 0 },
    );
  const [execlensBefore, postgresBefore, ticksBefore] = [cpu(), postgresCpuNanos(), ticks()];
  const sampling = env.DATABASE_URL === undefined ? undefined : sampleBackends(env.DATABASE_URL);
  const began = performance.now();
  const sent = await sendAll(bodies);
  const ms = performance.now() - began;
  const statuses: Record<string, number> = {};
  for (const [status, n] of sent.flatMap((s) => Object.entries(s.statuses)))
    statuses[status] = (statuses[status] ?? 0) + n;
  const backends = await sampling?.stop();
  const execlensNanos = cpu() - execlensBefore;
  const after = ticks();
  const warmBegan = performance.now();
  await sendAll(afterwards);
  const afterwardsMs = performance.now() - warmBegan;
  const [user, system] = [after.user - ticksBefore.user, after.system - ticksBefore.system];
  // the kernel's share: what the process's socket writes cost (a CPU profile counts the time a
  // write waits for the CPU, preempted by the backend it woke, as time in writev)
  const execlensKernelShare = Math.round((system / Math.max(1, user + system)) * 1000) / 10;
  for (const child of children) child.child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited));
  // its backends have exited and been reaped: their time is the postmaster's children's
  const postgresAfter = postgresCpuNanos();
  const postgresNanos =
    postgresBefore === null || postgresAfter === null ? null : postgresAfter - postgresBefore;
  return { ms, afterwardsMs, statuses, execlensNanos, execlensKernelShare, postgresNanos, backends };
}

/**
 * What execlens's connections do while it ingests, sampled from pg_stat_activity every 100 ms:
 * on average how many run a statement, wait for a lock, wait for execlens inside a transaction
 * (its next statement), or sit idle between transactions.
 */
function sampleBackends(url: string) {
  const client = new pg.Client({ connectionString: url });
  const totals = { running: 0, waitingForLock: 0, waitingForExeclens: 0, idle: 0 };
  let samples = 0;
  let stopped = false;
  const done = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ state: string | null; wait: string | null }>(
        `SELECT state, wait_event_type AS wait FROM pg_stat_activity
         WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      samples++;
      for (const { state, wait } of rows) {
        if (state === "active") totals[wait === "Lock" ? "waitingForLock" : "running"]++;
        else if (state?.startsWith("idle in transaction")) totals.waitingForExeclens++;
        else totals.idle++;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await client.end();
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      const average = (n: number) => Math.round((n / Math.max(1, samples)) * 100) / 100;
      return {
        running: average(totals.running),
        waitingForLock: average(totals.waitingForLock),
        waitingForExeclens: average(totals.waitingForExeclens),
        idle: average(totals.idle),
      };
    },
  };
}

/** Rows inserted, updated and deleted in each table of a database, per trace ingested (from its statistics). */
async function rowWritesPerTrace(url: string, traces: number) {
  const rows = await queryOnce<{ table: string; inserted: string; updated: string; deleted: string }>(
    url,
    `SELECT relname AS table, n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_del AS deleted
     FROM pg_stat_user_tables WHERE relname <> '__drizzle_migrations' AND n_tup_ins + n_tup_upd + n_tup_del > 0
     ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC`,
  );
  const per = (n: string) => Math.round((Number(n) / traces) * 100) / 100;
  return Object.fromEntries(
    rows.map((r) => [
      r.table,
      { inserted: per(r.inserted), updated: per(r.updated), deleted: per(r.deleted) },
    ]),
  );
}

/** CPU microseconds per span, one decimal. */
const microsPerSpan = (nanos: number | null, spans: number) =>
  nanos === null ? null : Math.round(nanos / spans / 100) / 10;

/** COPY text format: tab-separated, \N for NULL, backslash escapes. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  return text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

function rowsOf(changes: ExecutionChanges) {
  return {
    WorkflowExecutions: {
      columns: [
        "wkex_id",
        "wkex_execution_id",
        "wkex_workflow_name",
        "organization_id",
        "companion_id",
        "user_id",
        "wkex_session_id",
        "wkex_status",
        "wkex_total_steps",
        "wkex_started_at",
        "wkex_completed_at",
        "wkex_total_duration_ms",
        "wkex_attributes",
        "wkex_trace_id",
        "wkex_span_id",
        "wkex_span_received",
      ],
      rows: changes.workflows.map((w) => [
        w.wkexId,
        w.executionId,
        w.workflowName,
        w.organizationId,
        w.companionId,
        w.userId,
        w.sessionId,
        w.status,
        w.totalSteps,
        w.startedAt,
        w.completedAt,
        w.durationMs,
        w.attributes,
        w.traceId,
        w.spanId,
        true,
      ]),
    },
    WorkflowStepExecutions: {
      columns: [
        "wstp_id",
        "wkex_id",
        "wstp_step_id",
        "wstp_step_order",
        "wstp_status",
        "wstp_started_at",
        "wstp_completed_at",
        "wstp_duration_ms",
        "wstp_attributes",
      ],
      rows: changes.steps.map((s) => [
        s.wstpId,
        s.wkexId,
        s.stepId,
        s.stepOrder,
        s.status,
        s.startedAt,
        s.completedAt,
        s.durationMs,
        s.attributes,
      ]),
    },
    SkillExecutions: {
      columns: [
        "exec_id",
        "exec_skill_name",
        "exec_status",
        "exec_started_at",
        "exec_completed_at",
        "exec_duration_ms",
        "exec_attributes",
        "exec_trace_id",
        "exec_span_id",
      ],
      rows: changes.skills.map((s) => [
        s.execId,
        s.skillName,
        s.status,
        s.startedAt,
        s.completedAt,
        s.durationMs,
        s.attributes,
        s.traceId,
        s.spanId,
      ]),
    },
  };
}

async function copyIngest(url: string, changes: ExecutionChanges): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const tables = rowsOf(changes);
  const began = performance.now();
  for (const [table, { columns, rows }] of Object.entries(tables)) {
    const stream = client.query(copyFrom(`COPY "${table}" (${columns.join(", ")}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on("finish", () => resolve());
      stream.on("error", reject);
    });
    for (const row of rows) {
      if (!stream.write(`${row.map(copyValue).join("\t")}\n`))
        await new Promise((resolve) => stream.once("drain", resolve));
    }
    stream.end();
    await done;
  }
  const ms = performance.now() - began;
  await client.end();
  return ms;
}

/** Tables the rollup triggers write: a COPY into the others writes them again. */
const TRIGGER_WRITTEN = new Set<string>(["SkillRollups", "WorkflowRollups", "RollupChanges"]);

/** Every row execlens stored in `url`, as each table's COPY text (tables the triggers write left out). */
async function storedRows(url: string): Promise<{ table: string; chunks: Buffer[] }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = [];
    for (const table of STORE_TABLES.filter((t) => !TRIGGER_WRITTEN.has(t))) {
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(copyTo(`COPY "${table}" TO STDOUT`)))
        chunks.push(chunk as Buffer);
      tables.push({ table, chunks });
    }
    return tables;
  } finally {
    await client.end();
  }
}

/** The time one COPY per table takes to write `tables` (from storedRows) into the database `url`. */
async function copyStored(url: string, tables: { table: string; chunks: Buffer[] }[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const began = performance.now();
  for (const { table, chunks } of tables) {
    const stream = client.query(copyFrom(`COPY "${table}" FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on("finish", () => resolve());
      stream.on("error", reject);
    });
    for (const chunk of chunks)
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
    stream.end();
    await done;
  }
  const ms = performance.now() - began;
  await client.end();
  return ms;
}

async function naiveIngest(url: string, changes: ExecutionChanges): Promise<number> {
  const handle = await openDatabase({ databaseUrl: url });
  const db = handle.db;
  const began = performance.now();
  for (const w of changes.workflows) {
    await db.insert(workflowExecutions).values({
      wkexId: w.wkexId,
      executionId: w.executionId,
      status: "pending",
      startedAt: w.startedAt,
      attributes: w.attributes,
    });
    await db
      .update(workflowExecutions)
      .set({ status: "running" })
      .where(eq(workflowExecutions.wkexId, w.wkexId));
    await db
      .update(workflowExecutions)
      .set({
        status: w.status,
        completedAt: w.completedAt,
        totalDurationMs: w.durationMs,
        totalSteps: w.totalSteps,
        workflowName: w.workflowName,
        organizationId: w.organizationId,
      })
      .where(eq(workflowExecutions.wkexId, w.wkexId));
  }
  for (const s of changes.steps) {
    await db.insert(workflowStepExecutions).values({
      wstpId: s.wstpId,
      wkexId: s.wkexId,
      stepId: s.stepId,
      status: "pending",
      startedAt: s.startedAt,
      attributes: s.attributes,
    });
    await db
      .update(workflowStepExecutions)
      .set({ status: "running" })
      .where(eq(workflowStepExecutions.wstpId, s.wstpId));
    await db
      .update(workflowStepExecutions)
      .set({ status: s.status, completedAt: s.completedAt, durationMs: s.durationMs, stepOrder: s.stepOrder })
      .where(eq(workflowStepExecutions.wstpId, s.wstpId));
  }
  for (const k of changes.skills) {
    await db.insert(skillExecutions).values({
      execId: k.execId,
      skillName: k.skillName,
      status: "pending",
      startedAt: k.startedAt,
      attributes: k.attributes,
    });
    await db.update(skillExecutions).set({ status: "running" }).where(eq(skillExecutions.execId, k.execId));
    await db
      .update(skillExecutions)
      .set({ status: k.status, completedAt: k.completedAt, durationMs: k.durationMs })
      .where(eq(skillExecutions.execId, k.execId));
  }
  const ms = performance.now() - began;
  await handle.close();
  return ms;
}

/** execlens on PostgreSQL and one COPY per table, for the same rows of one workload. */
async function againstCopy(workload: Workload) {
  const bodies = await workloadBodies(TRACES, 42, workload);
  const all = mergeChanges(bodies.map((b) => mapSpans(decodeProtobufRequest(b).spans)));
  const url = await freshDatabase(`execlens_bench_ingest_${workload}`);
  const ingest = await execlensIngest(bodies, { DATABASE_URL: url }, PROCESSES);
  const stored = await counts(url);
  const writes = await rowWritesPerTrace(url, TRACES);
  if (stored.workflows !== TRACES || stored.steps !== 4 * TRACES || stored.skills !== 4 * TRACES) {
    throw new Error(`${workload}: rows missing after ingest: ${JSON.stringify(stored)} for ${TRACES} traces`);
  }
  const storedTables = await storedRows(url);
  const copyRuns: number[] = [];
  const storedCopyRuns: number[] = [];
  for (let run = 0; run < COPY_RUNS; run++) {
    copyRuns.push(await copyIngest(await freshDatabase("execlens_bench_copy"), all));
    storedCopyRuns.push(await copyStored(await freshDatabase("execlens_bench_copy"), storedTables));
  }
  return {
    bodies,
    all,
    ingest,
    copyMs: median(copyRuns),
    copyRuns,
    storedCopyMs: median(storedCopyRuns),
    storedCopyRuns,
    writes,
  };
}

const { bodies, all, ingest, copyMs, copyRuns, storedCopyMs, storedCopyRuns, writes } =
  await againstCopy("ai");
const conventions = await againstCopy("conventions");
const spans = TRACES * SPANS_PER_TRACE.ai;
const conventionsSpans = TRACES * SPANS_PER_TRACE.conventions;
const rows = TRACES * ROWS_PER_TRACE;
const naiveTraces = bodies.length > 0 ? Math.min(NAIVE_TRACES, TRACES) : 0;
const naiveChanges: ExecutionChanges = {
  ...all,
  workflows: all.workflows.slice(0, naiveTraces),
  steps: all.steps.slice(0, naiveTraces * 4),
  skills: all.skills.slice(0, naiveTraces * 4),
};
const naiveMs = await naiveIngest(await freshDatabase("execlens_bench_naive"), naiveChanges);
const naiveRows = naiveChanges.workflows.length + naiveChanges.steps.length + naiveChanges.skills.length;

const pgliteDir = await mkdtemp(join(tmpdir(), "execlens-bench-"));
const pgliteTraces = Math.max(1, Math.floor(TRACES / 4));
const pgliteBodies = await workloadBodies(pgliteTraces, 7);
// PGlite's first traces after start run while V8 still compiles PostgreSQL's WebAssembly and
// execlens's code (about 40 % slower, 2026-12-03): twice as many traces are timed afterwards
const pgliteWarmTraces = 2 * pgliteTraces;
const pglite = await execlensIngest(
  pgliteBodies,
  { EXECLENS_DATA_DIR: pgliteDir },
  1,
  await workloadBodies(pgliteWarmTraces, 8),
);
await rm(pgliteDir, { recursive: true, force: true });

const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);
const summary = {
  traces: TRACES,
  senders: SENDERS,
  processes: PROCESSES,
  requests: bodies.length,
  execlens: {
    ms: Math.round(ingest.ms),
    spansPerSecond: perSecond(spans, ingest.ms),
    rowsPerSecond: perSecond(rows, ingest.ms),
    answers: ingest.statuses,
    cpuMicrosPerSpan: {
      execlens: microsPerSpan(ingest.execlensNanos, spans),
      postgres: microsPerSpan(ingest.postgresNanos, spans),
    },
    execlensKernelPercent: ingest.execlensKernelShare,
    backends: ingest.backends,
    rowWritesPerTrace: writes,
  },
  copy: { ms: Math.round(copyMs), rowsPerSecond: perSecond(rows, copyMs), runsMs: copyRuns.map(Math.round) },
  copyStored: {
    ms: Math.round(storedCopyMs),
    rowsPerSecond: perSecond(rows, storedCopyMs),
    runsMs: storedCopyRuns.map(Math.round),
  },
  conventions: {
    execlens: {
      ms: Math.round(conventions.ingest.ms),
      spansPerSecond: perSecond(conventionsSpans, conventions.ingest.ms),
      rowsPerSecond: perSecond(rows, conventions.ingest.ms),
      cpuMicrosPerSpan: {
        execlens: microsPerSpan(conventions.ingest.execlensNanos, conventionsSpans),
        postgres: microsPerSpan(conventions.ingest.postgresNanos, conventionsSpans),
      },
    },
    copy: {
      ms: Math.round(conventions.copyMs),
      rowsPerSecond: perSecond(rows, conventions.copyMs),
      runsMs: conventions.copyRuns.map(Math.round),
    },
    copyStored: {
      ms: Math.round(conventions.storedCopyMs),
      rowsPerSecond: perSecond(rows, conventions.storedCopyMs),
      runsMs: conventions.storedCopyRuns.map(Math.round),
    },
  },
  naive: { rows: naiveRows, ms: Math.round(naiveMs), rowsPerSecond: perSecond(naiveRows, naiveMs) },
  pglite: {
    traces: pgliteTraces,
    ms: Math.round(pglite.ms),
    spansPerSecond: perSecond(pgliteTraces * SPANS_PER_TRACE.ai, pglite.ms),
    rowsPerSecond: perSecond(pgliteTraces * ROWS_PER_TRACE, pglite.ms),
    warm: {
      traces: pgliteWarmTraces,
      ms: Math.round(pglite.afterwardsMs),
      spansPerSecond: perSecond(pgliteWarmTraces * SPANS_PER_TRACE.ai, pglite.afterwardsMs),
      rowsPerSecond: perSecond(pgliteWarmTraces * ROWS_PER_TRACE, pglite.afterwardsMs),
    },
  },
  ratios: {
    "execlens/COPY": Math.round((perSecond(rows, ingest.ms) / perSecond(rows, copyMs)) * 1000) / 1000,
    "execlens/COPY (conventions)": Math.round((conventions.copyMs / conventions.ingest.ms) * 1000) / 1000,
    "COPY of the stored rows/COPY": Math.round((copyMs / storedCopyMs) * 1000) / 1000,
    "COPY of the stored rows/COPY (conventions)":
      Math.round((conventions.copyMs / conventions.storedCopyMs) * 1000) / 1000,
    "execlens/COPY of the stored rows": Math.round((storedCopyMs / ingest.ms) * 1000) / 1000,
    "execlens/COPY of the stored rows (conventions)":
      Math.round((conventions.storedCopyMs / conventions.ingest.ms) * 1000) / 1000,
    "execlens/naive": Math.round((perSecond(rows, ingest.ms) / perSecond(naiveRows, naiveMs)) * 100) / 100,
  },
};
console.table({
  "execlens (PostgreSQL)": {
    "rows/s": summary.execlens.rowsPerSecond,
    "spans/s": summary.execlens.spansPerSecond,
    ms: summary.execlens.ms,
  },
  "COPY (the limit, median of runs)": {
    "rows/s": summary.copy.rowsPerSecond,
    "spans/s": "",
    ms: summary.copy.ms,
  },
  "COPY of every row execlens stored": {
    "rows/s": summary.copyStored.rowsPerSecond,
    "spans/s": "",
    ms: summary.copyStored.ms,
  },
  "execlens (PostgreSQL), conventions only": {
    "rows/s": summary.conventions.execlens.rowsPerSecond,
    "spans/s": summary.conventions.execlens.spansPerSecond,
    ms: summary.conventions.execlens.ms,
  },
  "COPY, conventions only": {
    "rows/s": summary.conventions.copy.rowsPerSecond,
    "spans/s": "",
    ms: summary.conventions.copy.ms,
  },
  "COPY of every row execlens stored, conventions only": {
    "rows/s": summary.conventions.copyStored.rowsPerSecond,
    "spans/s": "",
    ms: summary.conventions.copyStored.ms,
  },
  "naive (seed's way)": { "rows/s": summary.naive.rowsPerSecond, "spans/s": "", ms: summary.naive.ms },
  "execlens (PGlite), the first traces after start": {
    "rows/s": summary.pglite.rowsPerSecond,
    "spans/s": summary.pglite.spansPerSecond,
    ms: summary.pglite.ms,
  },
  "execlens (PGlite), the next traces": {
    "rows/s": summary.pglite.warm.rowsPerSecond,
    "spans/s": summary.pglite.warm.spansPerSecond,
    ms: summary.pglite.warm.ms,
  },
});
console.log(`Row writes per trace (AI workload; COPY writes ${ROWS_PER_TRACE}):`);
console.table(writes);
console.log(`execlens's connections on average (AI workload): ${JSON.stringify(summary.execlens.backends)}`);
console.log(
  `CPU per span (µs): execlens ${summary.execlens.cpuMicrosPerSpan.execlens}, PostgreSQL ${summary.execlens.cpuMicrosPerSpan.postgres} (AI workload); ` +
    `execlens ${summary.conventions.execlens.cpuMicrosPerSpan.execlens}, PostgreSQL ${summary.conventions.execlens.cpuMicrosPerSpan.postgres} (conventions only); ` +
    `execlens in the kernel: ${summary.execlens.execlensKernelPercent} % of its CPU (AI workload)`,
);
console.log(
  `execlens/COPY = ${summary.ratios["execlens/COPY"]} (AI workload), ${summary.ratios["execlens/COPY (conventions)"]} (conventions only)   execlens/naive = ${summary.ratios["execlens/naive"]}`,
);
console.log(
  `COPY of every row execlens stored/COPY = ${summary.ratios["COPY of the stored rows/COPY"]} (AI workload), ${summary.ratios["COPY of the stored rows/COPY (conventions)"]} (conventions only): ` +
    "the most execlens/COPY can be with these tables, were decoding, mapping and resolving free",
);
console.log(
  `execlens/COPY of every row it stored = ${summary.ratios["execlens/COPY of the stored rows"]} (AI workload), ${summary.ratios["execlens/COPY of the stored rows (conventions)"]} (conventions only)`,
);
console.log(JSON.stringify(summary));
if (!smoke) {
  // bench:overload offers three times this rate
  const requestsPerSecond = Math.round((bodies.length / ingest.ms) * 1000 * 10) / 10;
  await writeFile(
    new URL("./.last-ingest.json", import.meta.url),
    JSON.stringify({ requestsPerSecond, ...summary }),
  );
}
