/**
 * `npm run bench:ingest-profile`: where a batch's time goes. Writes the ingest workload straight
 * through the writer (one batch after another, as one sender would: decode, map, write) into a
 * fresh database, timing every statement of the transactions by its kind, and the decode and
 * map work in the process. Prints each statement kind's share of the time. PGLITE=1 profiles
 * embedded PGlite; SMOKE=1 a small run.
 */
import { decodeProtobufRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { type Database, openDatabase, writeChanges } from "../src/store/index.js";
import { freshDatabase } from "./fresh-database.js";
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

/** A statement's kind: its verb and table (`INSERT "SpanIndex"`, `UPDATE "WorkflowExecutions"`), or its first words. */
function labelOf(query: unknown): string {
  const chunks = (query as { queryChunks?: unknown[] }).queryChunks;
  const text =
    typeof query === "string"
      ? query
      : (chunks ?? [])
          .map((chunk) => {
            const value = (chunk as { value?: unknown }).value;
            return Array.isArray(value) ? value.join("") : "";
          })
          .join("");
  const compact = text.replace(/\s+/g, " ").trim();
  const verb = /^(WITH|INSERT INTO|UPDATE|DELETE FROM|SELECT)\s*("?\w+"?)?/i.exec(compact);
  return verb === null ? compact.slice(0, 40) : `${verb[1]} ${verb[2] ?? ""}`.trim();
}

async function timed<T>(label: string, work: PromiseLike<T>): Promise<T> {
  const began = performance.now();
  try {
    return await work;
  } finally {
    note(label, performance.now() - began);
  }
}

/** A drizzle query builder whose execution (awaiting it, at the end of any chain of calls) is timed. */
function timedBuilder(builder: object, label: string): object {
  return new Proxy(builder, {
    get(b, k, r) {
      const inner = Reflect.get(b, k, r);
      if (k === "then") {
        return (resolve: (v: unknown) => void, reject: (e: unknown) => void) =>
          timed(
            label,
            new Promise((ok, no) => (inner as (a: unknown, b: unknown) => unknown).call(b, ok, no)),
          ).then(resolve, reject);
      }
      if (typeof inner !== "function") return inner;
      return (...args: unknown[]) => {
        const next = (inner as (...a: unknown[]) => unknown).apply(b, args);
        return typeof next === "object" && next !== null ? timedBuilder(next, label) : next;
      };
    },
  });
}

/** The database, with every statement of its transactions timed by kind. */
function profiled(db: Database): Database {
  const wrapTx = (tx: Database): Database =>
    new Proxy(tx, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key === "execute") {
          return (query: unknown) =>
            timed(labelOf(query), (value as (q: unknown) => Promise<unknown>).call(target, query));
        }
        if (key === "insert") {
          return (table: { [key: symbol]: unknown }) => {
            const name = Object.getOwnPropertySymbols(table)
              .map((s) => table[s])
              .find((v) => typeof v === "string");
            return timedBuilder(
              (value as (t: unknown) => object).call(target, table),
              `INSERT "${String(name)}"`,
            );
          };
        }
        return value;
      },
    });
  return new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== "transaction") return value;
      return (fn: (tx: Database) => Promise<unknown>) =>
        (value as (f: (tx: Database) => Promise<unknown>) => Promise<unknown>).call(target, (tx) =>
          fn(wrapTx(tx)),
        );
    },
  });
}

const bodies = await workloadBodies(TRACES, 7);
const handle = onPglite
  ? await openDatabase({ memory: true })
  : await openDatabase({ databaseUrl: await freshDatabase("execlens_bench_profile") });
const db = profiled(handle.db);
const began = performance.now();
let spans = 0;
for (const body of bodies) {
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
