import { type SQL, sql } from "drizzle-orm";
import type { SpanRole } from "../../model/index.js";
import { pgArray } from "../sql-values.js";
import { queryRows, type Transaction } from "../transaction.js";
import type { IndexedSpan } from "./chain.js";
import { keyOf, type StoredContext } from "./resolve.js";

/** SpanRole as stored in "SpanIndex".role (a smallint keeps the row narrow). */
const ROLE_CODES: Readonly<Record<SpanRole, number>> = {
  other: 0,
  workflow: 1,
  step: 2,
  skill: 3,
  tool: 4,
  ai_call: 5,
  llm: 6,
  db: 7,
  http: 8,
  retrieval: 9,
  guardrail: 10,
  evaluation: 11,
};
const ROLES_BY_CODE = Object.fromEntries(
  Object.entries(ROLE_CODES).map(([role, code]) => [code, role]),
) as Record<number, SpanRole>;

interface IndexRow {
  t: string;
  s: string;
  role: number;
  exec_id: string | null;
  step_wkex_id: string | null;
  step_order: number | null;
  owner_wkex_id: string | null;
  owner_wstp_id: string | null;
  owner_step_order: number | null;
  top_ai: string | null;
  near_skill: string | null;
  near_llm: string | null;
  waiting_for: string | null;
  settled: boolean;
  tenant: string | null;
}

const COLUMNS = sql`encode(i.trace_id, 'hex') AS t, encode(i.span_id, 'hex') AS s, i.role, i.exec_id, i.step_wkex_id,
  i.step_order, i.owner_wkex_id, i.owner_wstp_id, i.owner_step_order, encode(i.top_ai, 'hex') AS top_ai,
  i.near_skill, encode(i.near_llm, 'hex') AS near_llm, encode(i.waiting_for, 'hex') AS waiting_for, i.settled,
  i.tenant`;

function fromRow(row: IndexRow): IndexedSpan {
  return {
    traceId: row.t,
    spanId: row.s,
    role: ROLES_BY_CODE[row.role] ?? "other",
    execId: row.exec_id,
    stepWkexId: row.step_wkex_id,
    stepOrder: row.step_order,
    tenant: row.tenant,
    above: {
      owner:
        row.owner_wkex_id === null
          ? null
          : { wkexId: row.owner_wkex_id, wstpId: row.owner_wstp_id, stepOrder: row.owner_step_order },
      topAi: row.top_ai,
      nearSkill: row.near_skill,
      nearLlm: row.near_llm,
      waitingFor: row.waiting_for,
      settled: row.settled,
    },
  };
}

/**
 * The packed entries ("TraceIndex") of the traces `traces` selects, as "SpanIndex" rows, less those
 * a "SpanIndex" row of the same span overrides.
 */
const packed = (traces: SQL) => sql`(SELECT p.trace_id, e.*
  FROM "TraceIndex" p CROSS JOIN LATERAL unnest(p.span_ids, p.roles, p.exec_ids, p.step_wkex_ids, p.step_orders,
    p.owner_wkex_ids, p.owner_wstp_ids, p.owner_step_orders, p.top_ais, p.near_skills, p.near_llms, p.waiting_fors,
    p.settled, p.tenants) AS e(span_id, role, exec_id, step_wkex_id, step_order, owner_wkex_id, owner_wstp_id,
    owner_step_order, top_ai, near_skill, near_llm, waiting_for, settled, tenant)
  WHERE p.trace_id IN ${traces}
    AND NOT EXISTS (SELECT 1 FROM "SpanIndex" o WHERE o.trace_id = p.trace_id AND o.span_id = e.span_id))`;

/** The traces `traceIds` names, as a subquery of their ids' bytes. */
const traceSet = (traceIds: readonly string[]) =>
  sql`(SELECT decode(t, 'hex') FROM unnest(${pgArray(traceIds)}::text[]) AS t)`;

const pairs = (keys: ReadonlyArray<{ traceId: string; spanId: string }>) =>
  sql`unnest(${pgArray(keys.map((k) => k.traceId))}::text[], ${pgArray(keys.map((k) => k.spanId))}::text[]) AS k(t, s)`;

interface TraceRow {
  indexed: string[];
  settled: string[];
  open: string[];
  entered: string[];
}

/**
 * What is stored about a batch's spans and traces, by primary-key or index lookups: which of the
 * traces the index holds spans of, which are open or were settled, and which have entry spans;
 * then, for the traces the index holds spans of only, the index entries of `keys` (the batch's
 * spans and their parents) and the entries waiting for one of `batch`. Most of a batch is
 * usually traces new to the index, whose spans are neither sent nor looked up. A trace's first
 * "SpanIndex" entry is found in the key's order: on a small table, an EXISTS made the planner scan
 * the whole table once per trace (it expects a trace's many spans, so an early match).
 */
export async function loadStoredContext(
  tx: Transaction,
  keys: ReadonlyArray<{ traceId: string; spanId: string }>,
  batch: ReadonlyArray<{ traceId: string; spanId: string }>,
  traceIds: readonly string[],
): Promise<StoredContext> {
  const traces = traceSet(traceIds);
  const [context] = await queryRows<TraceRow>(
    tx,
    sql`SELECT
  ARRAY(SELECT t FROM unnest(${pgArray(traceIds)}::text[]) AS t
    WHERE EXISTS (SELECT 1 FROM "TraceIndex" p WHERE p.trace_id = decode(t, 'hex'))
      OR (SELECT true FROM "SpanIndex" i WHERE i.trace_id = decode(t, 'hex') ORDER BY i.trace_id, i.span_id LIMIT 1)) AS indexed,
  ARRAY(SELECT encode(trace_id, 'hex') FROM "OpenTraces" WHERE settled AND trace_id IN ${traces}) AS settled,
  ARRAY(SELECT encode(trace_id, 'hex') FROM "OpenTraces" WHERE NOT settled AND trace_id IN ${traces}) AS open,
  ARRAY(SELECT DISTINCT e.trace_id FROM "EntrySpans" e WHERE e.trace_id = ANY(${pgArray(traceIds)}::text[])) AS entered`,
  );
  const { indexed, settled, open, entered } = context as TraceRow;
  const { known, waiting } = await loadIndexedSpans(tx, new Set(indexed), keys, batch);
  return {
    known: new Map(known.map((row) => [keyOf(row.t, row.s), fromRow(row)])),
    waiting: waiting.map(fromRow),
    indexedTraces: new Set(indexed),
    settledTraces: new Set(settled),
    openTraces: new Set(open),
    enteredTraces: new Set(entered),
  };
}

/** The index entries of `keys`, and those waiting for one of `batch`, in the given traces. */
async function loadIndexedSpans(
  tx: Transaction,
  traceIds: ReadonlySet<string>,
  keys: ReadonlyArray<{ traceId: string; spanId: string }>,
  batch: ReadonlyArray<{ traceId: string; spanId: string }>,
): Promise<{ known: IndexRow[]; waiting: IndexRow[] }> {
  if (traceIds.size === 0) return { known: [], waiting: [] };
  const inTraces = (list: ReadonlyArray<{ traceId: string; spanId: string }>) =>
    list.filter((key) => traceIds.has(key.traceId));
  // the keys and the packed entries are sent and unpacked once, for both lookups
  const [spans] = await queryRows<{ known: IndexRow[]; waiting: IndexRow[] }>(
    tx,
    sql`WITH keyed AS (SELECT k.t, k.s FROM ${pairs(inTraces(keys))}),
  arriving AS (SELECT k.t, k.s FROM ${pairs(inTraces(batch))}),
  unpacked AS MATERIALIZED ${packed(traceSet([...traceIds]))}
SELECT
  (SELECT coalesce(json_agg(e), '[]') FROM (SELECT ${COLUMNS} FROM keyed k
    JOIN "SpanIndex" i ON i.trace_id = decode(k.t, 'hex') AND i.span_id = decode(k.s, 'hex')
    UNION ALL SELECT ${COLUMNS} FROM keyed k
    JOIN unpacked i ON i.trace_id = decode(k.t, 'hex') AND i.span_id = decode(k.s, 'hex')) e) AS known,
  (SELECT coalesce(json_agg(e), '[]') FROM (SELECT ${COLUMNS} FROM arriving k
    JOIN "SpanIndex" i ON i.trace_id = decode(k.t, 'hex') AND i.waiting_for = decode(k.s, 'hex')
    UNION ALL SELECT ${COLUMNS} FROM arriving k
    JOIN unpacked i ON i.trace_id = decode(k.t, 'hex') AND i.waiting_for = decode(k.s, 'hex')) e) AS waiting`,
  );
  return spans ?? { known: [], waiting: [] };
}

/** Entries of the given traces whose chain still waits, unsettled, for an ancestor. */
export async function loadOpenEntries(tx: Transaction, traceIds: readonly string[]): Promise<IndexedSpan[]> {
  const traces = traceSet(traceIds);
  const rows = await queryRows<IndexRow>(
    tx,
    sql`SELECT ${COLUMNS} FROM "SpanIndex" i
        WHERE i.trace_id IN ${traces} AND i.waiting_for IS NOT NULL AND NOT i.settled
        UNION ALL SELECT ${COLUMNS} FROM ${packed(traces)} i WHERE i.waiting_for IS NOT NULL AND NOT i.settled`,
  );
  return rows.map(fromRow);
}

/**
 * Entries as a row source of one array parameter per column: `unnest(…) AS v(…)`, ids as hex; `v.t`
 * is the trace (`traces`: its id as hex, or a number standing for it).
 */
function entrySource(rows: readonly IndexedSpan[], traces: SQL): SQL {
  const column = <T extends string | number | null>(value: (e: IndexedSpan) => T) => pgArray(rows.map(value));
  return sql`unnest(
  ${traces}, ${column((e) => e.spanId)}::text[], ${column((e) => ROLE_CODES[e.role])}::smallint[],
  ${column((e) => e.execId)}::uuid[], ${column((e) => e.stepWkexId)}::uuid[], ${column((e) => e.stepOrder)}::int[],
  ${column((e) => e.above.owner?.wkexId ?? null)}::uuid[], ${column((e) => e.above.owner?.wstpId ?? null)}::uuid[],
  ${column((e) => e.above.owner?.stepOrder ?? null)}::int[], ${column((e) => e.above.topAi)}::text[],
  ${column((e) => e.above.nearSkill)}::uuid[], ${column((e) => e.above.nearLlm)}::text[],
  ${column((e) => e.above.waitingFor)}::text[], ${column((e) => String(e.above.settled))}::boolean[],
  ${column((e) => e.tenant)}::uuid[]
) AS v(t, s, role, exec_id, step_wkex_id, step_order, owner_wkex_id, owner_wstp_id, owner_step_order, top_ai,
  near_skill, near_llm, waiting_for, settled, tenant)`;
}

/**
 * Writes index entries: those of the traces `whole` says have nothing indexed yet as one
 * "TraceIndex" row per trace, the others as "SpanIndex" rows (inserted or replaced), one
 * statement per 5,000.
 */
export async function writeEntries(
  tx: Transaction,
  entries: readonly IndexedSpan[],
  whole: (traceId: string) => boolean,
): Promise<void> {
  const firstBatch = entries.filter((e) => whole(e.traceId));
  const single = firstBatch.length === 0 ? entries : entries.filter((e) => !whole(e.traceId));
  if (firstBatch.length > 0) {
    // each trace's id goes once; its spans carry its number in that list
    const traceIds: string[] = [];
    const numbers = new Map<string, number>();
    const numberOf = (traceId: string) => {
      let n = numbers.get(traceId);
      if (n === undefined) {
        n = traceIds.push(traceId);
        numbers.set(traceId, n);
      }
      return n;
    };
    const source = entrySource(
      firstBatch,
      sql`${pgArray(firstBatch.map((e) => numberOf(e.traceId)))}::int[]`,
    );
    // every aggregate of a group reads its rows in one order: the arrays stay parallel
    await tx.execute(sql`
INSERT INTO "TraceIndex" (trace_id, span_ids, roles, exec_ids, step_wkex_ids, step_orders, owner_wkex_ids,
  owner_wstp_ids, owner_step_orders, top_ais, near_skills, near_llms, waiting_fors, settled, tenants)
SELECT decode((${pgArray(traceIds)}::text[])[v.t], 'hex'), array_agg(decode(v.s, 'hex')), array_agg(v.role), array_agg(v.exec_id),
  array_agg(v.step_wkex_id), array_agg(v.step_order), array_agg(v.owner_wkex_id), array_agg(v.owner_wstp_id),
  array_agg(v.owner_step_order), array_agg(decode(v.top_ai, 'hex')), array_agg(v.near_skill),
  array_agg(decode(v.near_llm, 'hex')), array_agg(decode(v.waiting_for, 'hex')), array_agg(v.settled),
  array_agg(v.tenant)
FROM ${source}
GROUP BY v.t`);
  }
  for (let i = 0; i < single.length; i += 5000) {
    const part = single.slice(i, i + 5000);
    await tx.execute(sql`
INSERT INTO "SpanIndex" (trace_id, span_id, role, exec_id, step_wkex_id, step_order, owner_wkex_id, owner_wstp_id,
  owner_step_order, top_ai, near_skill, near_llm, waiting_for, settled, tenant)
SELECT decode(v.t, 'hex'), decode(v.s, 'hex'), v.role, v.exec_id, v.step_wkex_id, v.step_order, v.owner_wkex_id,
  v.owner_wstp_id, v.owner_step_order, decode(v.top_ai, 'hex'), v.near_skill, decode(v.near_llm, 'hex'),
  decode(v.waiting_for, 'hex'), v.settled, v.tenant
FROM ${entrySource(part, sql`${pgArray(part.map((e) => e.traceId))}::text[]`)}
ON CONFLICT (trace_id, span_id) DO UPDATE SET role = excluded.role, exec_id = excluded.exec_id,
  step_wkex_id = excluded.step_wkex_id, step_order = excluded.step_order, owner_wkex_id = excluded.owner_wkex_id,
  owner_wstp_id = excluded.owner_wstp_id, owner_step_order = excluded.owner_step_order, top_ai = excluded.top_ai,
  near_skill = excluded.near_skill, near_llm = excluded.near_llm, waiting_for = excluded.waiting_for,
  settled = excluded.settled, tenant = excluded.tenant`);
  }
}

/**
 * Keeps the quiet clock of traces: traces with spans still waiting for an ancestor are (re)opened
 * with this batch's time; the other traces of the batch that are open have their clock moved on.
 */
export async function touchOpenTraces(
  tx: Transaction,
  pendingTraceIds: readonly string[],
  otherTraceIds: readonly string[],
): Promise<void> {
  if (pendingTraceIds.length > 0) {
    await tx.execute(sql`
INSERT INTO "OpenTraces" (trace_id, last_seen_at)
SELECT decode(t, 'hex'), now() FROM unnest(${pgArray(pendingTraceIds)}::text[]) AS t
ON CONFLICT (trace_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`);
  }
  if (otherTraceIds.length > 0) {
    await tx.execute(sql`
UPDATE "OpenTraces" SET last_seen_at = now()
WHERE NOT settled AND trace_id IN (SELECT decode(t, 'hex') FROM unnest(${pgArray(otherTraceIds)}::text[]) AS t)`);
  }
}
