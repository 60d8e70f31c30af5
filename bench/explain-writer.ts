/**
 * `npm run bench:explain-writer`: the plan of every statement the writer issues, on a copy of the
 * plan database (1M skill and 200k workflow executions; SMOKE=1 a small one), for the ingest
 * workload written three ways: requests in reverse order (later parts of traces first), in order,
 * and all again (re-delivery). Each statement is explained twice: planned for its values, and as
 * the generic plan the server may settle on for a prepared statement (execlens prepares the
 * writer's statements, and PostgreSQL switches to the generic plan after five runs when it looks
 * no worse). Fails when either plan reads a big table (≥ 10,000 rows) with a sequential scan: the
 * slow-down of ingest as tables grow, caught before it is measured.
 */
import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { decodeProtobufRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { openDatabase, writeChanges } from "../src/store/index.js";
import { queryRows, type Transaction } from "../src/store/transaction.js";
import { freshDatabase } from "./fresh-database.js";
import { type PlanNode, planDatabase, planNodes } from "./plans.js";
import { labelOf, observeStatements } from "./statements.js";
import { workloadBodies } from "./workload.js";

const BIG_TABLE_ROWS = 10_000;
const TRACES = process.env.SMOKE === "1" ? 60 : 200;

/** A copy of the plan database, so that its row counts stay what the other plan checks reuse. */
async function copyOfPlanDatabase(): Promise<string> {
  const { url, handle, volume } = await planDatabase();
  await handle.close();
  const template = new URL(url).pathname.slice(1);
  console.log(`writing into a copy of ${volume.skills} skill and ${volume.workflows} workflow executions`);
  return freshDatabase(`${template}_writer`, template);
}

/**
 * The tables only the writer reads, filled as a busy deployment's would be (one model request and
 * one client call per skill, a span index entry per skill, model request and call, a few open
 * traces), so that their plans are those of a big table too.
 */
async function fillWriterTables(url: string, rows: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const hex = (n: string, width: number) => `lpad(to_hex(${n}), ${width}, '0')`;
  await client.query(
    `INSERT INTO "LlmCalls" (trace_id, span_id, llm_id, wkex_id, operation, model, started_at, completed_at, duration_ms,
       input_tokens, output_tokens, total_tokens, step)
     SELECT ${hex("i", 32)}, ${hex("i + 1000000000", 16)}, md5('llm' || i)::uuid, md5('wkex' || (1 + i % $2::int))::uuid,
       'chat', 'gpt-4o', now() - i * interval '1 second', now() - i * interval '1 second' + interval '1 second', 1000,
       100, 50, 150, '{}'::jsonb
     FROM generate_series(1, $1::int) AS i`,
    [rows, rows / 5],
  );
  await client.query(
    `INSERT INTO "ClientCalls" (trace_id, span_id, kind, wkex_id, exec_id, started_at, duration_ms)
     SELECT ${hex("i", 32)}, ${hex("i::bigint + 2000000000", 16)}, 'db', md5('wkex' || (1 + i % $2::int))::uuid,
       md5('exec' || i)::uuid, now() - i * interval '1 second', 5
     FROM generate_series(1, $1::int) AS i`,
    [rows, rows / 5],
  );
  await client.query(
    `INSERT INTO "SpanIndex" (trace_id, span_id, role, exec_id, owner_wkex_id)
     SELECT decode(${hex("i", 32)}, 'hex'), decode(${hex("i::bigint + 1000000000::bigint * r", 16)}, 'hex'), r, md5('exec' || i)::uuid,
       md5('wkex' || (1 + i % $2::int))::uuid
     FROM generate_series(1, $1::int) AS i CROSS JOIN generate_series(1, 3) AS r`,
    [rows, rows / 5],
  );
  await client.query(
    `INSERT INTO "TraceIndex" (trace_id, span_ids, roles, exec_ids, step_wkex_ids, step_orders, owner_wkex_ids,
       owner_wstp_ids, owner_step_orders, top_ais, near_skills, near_llms, waiting_fors, settled, tenants)
     SELECT decode(${hex("i::bigint + 3000000000::bigint", 32)}, 'hex'),
       ARRAY[decode(${hex("i", 16)}, 'hex'), decode(${hex("i::bigint + 4000000000::bigint", 16)}, 'hex')],
       '{1,3}', ARRAY[md5('wkex' || i)::uuid, md5('exec' || i)::uuid], '{NULL,NULL}', '{NULL,NULL}',
       ARRAY[NULL, md5('wkex' || i)::uuid], '{NULL,NULL}', '{NULL,NULL}', '{NULL,NULL}', '{NULL,NULL}', '{NULL,NULL}',
       '{NULL,NULL}', '{f,f}', '{NULL,NULL}'
     FROM generate_series(1, $1::int) AS i`,
    [rows],
  );
  await client.query(
    `INSERT INTO "OpenTraces" (trace_id, last_seen_at, settled)
     SELECT decode(${hex("i", 32)}, 'hex'), now() - i * interval '1 second', i % 10 <> 0 FROM generate_series(1, $1::int) AS i`,
    [rows / 10],
  );
  await client.query(`ANALYZE`);
  await client.end();
}

const url = await copyOfPlanDatabase();
await fillWriterTables(url, process.env.SMOKE === "1" ? 20_000 : 1_000_000);
const handle = await openDatabase({ databaseUrl: url });
const big = new Set(
  (
    await queryRows<{ relname: string }>(
      handle.db,
      sql`SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= ${BIG_TABLE_ROWS}`,
    )
  ).map((r) => r.relname),
);

type Explained = Array<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>;

const dialect = new PgDialect();

/** A parameter as an SQL literal (EXECUTE takes expressions, not parameters). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`no literal for a parameter of type ${typeof value}`);
}

/** The plan of `query` as a prepared statement with a generic plan: what its values do not change. */
async function genericPlan(tx: Pick<Transaction, "execute">, query: SQL): Promise<PlanNode> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  await tx.execute(sql.raw(`PREPARE execlens_generic_check AS ${text}`));
  await tx.execute(sql.raw("SET LOCAL plan_cache_mode = force_generic_plan"));
  const [explained] = await queryRows<Explained[number]>(
    tx,
    sql.raw(`EXPLAIN (FORMAT JSON) EXECUTE execlens_generic_check(${params.map(literal).join(", ")})`),
  );
  await tx.execute(sql.raw("SET LOCAL plan_cache_mode = auto; DEALLOCATE execlens_generic_check"));
  return explained?.["QUERY PLAN"][0]?.Plan as PlanNode;
}

interface Checked {
  statement: string;
  count: number;
  scans: Set<string>;
  indexes: Set<string>;
}
const checked = new Map<string, Checked>();
const db = observeStatements(handle.db, async (tx, query, run) => {
  const label = labelOf(query);
  const [explained] = await queryRows<Explained[number]>(tx, sql`EXPLAIN (FORMAT JSON) ${query}`);
  const plans = {
    custom: explained?.["QUERY PLAN"][0]?.Plan as PlanNode,
    generic: await genericPlan(tx, query as SQL),
  };
  const entry = checked.get(label) ?? { statement: label, count: 0, scans: new Set(), indexes: new Set() };
  entry.count++;
  for (const [kind, plan] of Object.entries(plans)) {
    for (const node of planNodes(plan)) {
      const relation = node["Relation Name"];
      if (node["Node Type"] === "Seq Scan" && relation !== undefined && big.has(relation))
        entry.scans.add(`${relation} (${kind} plan)`);
      if (node["Index Name"] !== undefined) entry.indexes.add(node["Index Name"]);
    }
  }
  checked.set(label, entry);
  return run();
});

const bodies = await workloadBodies(TRACES, 11);
for (const pass of [[...bodies].reverse(), bodies, bodies]) {
  for (const body of pass) await writeChanges(db, mapSpans(decodeProtobufRequest(body).spans));
}
await handle.close();

const rows = [...checked.values()].map((c) => ({
  statement: c.statement,
  count: c.count,
  "seq scan of a big table": [...c.scans].join(", ") || "",
  indexes: [...c.indexes].sort().join(", "),
}));
console.table(rows);
const failures = rows.filter((r) => r["seq scan of a big table"] !== "");
console.log(JSON.stringify({ bigTables: [...big], statements: rows.length, failures: failures.length }));
if (failures.length > 0) {
  console.error(`${failures.length} writer statements read a big table sequentially`);
  process.exit(1);
}
