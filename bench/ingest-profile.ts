/**
 * `npm run bench:ingest-profile`: where a batch's time goes. Writes the ingest workload straight
 * through the writer (one batch after another, as one sender would: decode, map, write) into a
 * fresh database, timing every statement of the transactions by its kind, their COMMIT (where the
 * rollup cells take a transaction's changes), and the decode and map work in the process. Prints
 * each one's share of the time. As execlens's upkeep does, the tables grown since their last
 * statistics are analyzed every two seconds (the writer's prepared plans depend on it), timed as
 * a phase of their own. PGLITE=1 profiles embedded PGlite;
 * ROLELESS=n adds n spans without a role under each skill (what they cost); SMOKE=1 a small run.
 */
import { decodeProtobufRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { analyzeGrownTables, openDatabase, writeChanges } from "../src/store/index.js";
import { ANALYZE_INTERVAL_MS } from "../src/upkeep/index.js";
import { freshDatabase } from "./fresh-database.js";
import { labelOf, observeStatements } from "./statements.js";
import { workloadBodies } from "./workload.js";

const smoke = process.env.SMOKE === "1";
const TRACES = smoke ? 100 : Number(process.env.TRACES ?? 1000);
const onPglite = process.env.PGLITE === "1";

const phases = new Map<string, { ms: number; count: number }>();
const note = (label: string, ms: number) => {
  const phase = phases.get(label) ?? { ms: 0, count: 0 };
  phase.ms += ms;
  phase.count++;
  phases.set(label, phase);
};

async function timed<T>(label: string, work: PromiseLike<T>): Promise<T> {
  const began = performance.now();
  try {
    return await work;
  } finally {
    note(label, performance.now() - began);
  }
}

const bodies = await workloadBodies(TRACES, 7, "ai", Number(process.env.ROLELESS ?? 0));
const handle = onPglite
  ? await openDatabase({ memory: true })
  : await openDatabase({ databaseUrl: await freshDatabase("execlens_bench_profile") });
const db = observeStatements(
  handle.db,
  (_tx, query, run) => timed(labelOf(query), run()),
  (ms) => note("COMMIT", ms),
);
const began = performance.now();
let spans = 0;
const analyzedAt = new Map<string, number>();
let checkedAt = began;
for (const body of bodies) {
  if (performance.now() - checkedAt >= ANALYZE_INTERVAL_MS) {
    checkedAt = performance.now();
    await timed("ANALYZE grown tables (upkeep)", analyzeGrownTables(handle.db, analyzedAt));
  }
  const decodeBegan = performance.now();
  const decoded = decodeProtobufRequest(body);
  note("decode (process)", performance.now() - decodeBegan);
  const mapBegan = performance.now();
  const changes = mapSpans(decoded.spans);
  note("map (process)", performance.now() - mapBegan);
  spans += decoded.spans.length;
  await timed("transaction (whole)", writeChanges(db, changes));
}
const total = performance.now() - began;
await handle.close();

const transaction = phases.get("transaction (whole)")?.ms ?? 0;
const statements = [...phases.entries()]
  .filter(([label]) => !label.includes("("))
  .reduce((n, [, p]) => n + p.ms, 0);
note("in the transaction, between statements (process)", transaction - statements);
const rows = [...phases.entries()]
  .filter(([label]) => label !== "transaction (whole)")
  .sort((a, b) => b[1].ms - a[1].ms)
  .map(([phase, p]) => ({
    phase,
    "ms total": Math.round(p.ms),
    count: p.count,
    "share of wall time": `${((p.ms / total) * 100).toFixed(1)} %`,
  }));
console.table(rows);
console.log(
  JSON.stringify({
    database: onPglite ? "pglite" : "postgres",
    traces: TRACES,
    spans,
    wallMs: Math.round(total),
    spansPerSecond: Math.round((spans / total) * 1000),
    processMicrosPerSpan: Math.round(
      (((phases.get("decode (process)")?.ms ?? 0) +
        (phases.get("map (process)")?.ms ?? 0) +
        (transaction - statements)) /
        spans) *
        1000,
    ),
  }),
);
