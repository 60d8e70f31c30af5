import pg from "pg";
import { type DatabaseHandle, openDatabase, STORE_TABLES } from "../src/store/index.js";

/** Server and database the benchmarks use (reused between runs). */
export const BENCH_ADMIN_URL =
  process.env.EXECLENS_BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * The database called `name` on the bench server, prefixed with EXECLENS_BENCH_DATABASE_PREFIX:
 * engineers sharing one server run the benchmarks without dropping each other's databases.
 */
export function benchDatabaseName(name: string): string {
  const prefix = process.env.EXECLENS_BENCH_DATABASE_PREFIX ?? "";
  return name.startsWith(prefix) ? name : `${prefix}${name}`;
}

export async function benchDatabase(unprefixed: string): Promise<{ url: string; handle: DatabaseHandle }> {
  const name = benchDatabaseName(unprefixed);
  const admin = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), handle: await openDatabase({ databaseUrl: url.toString() }) };
}

export interface Volume {
  readonly skills: number;
  readonly workflows: number;
  readonly days: number;
}

/**
 * Fills the execution tables with `volume` rows spread over `days`, with value distributions
 * like a busy deployment (a few hundred skills, thousands of users), unless they already hold
 * that many. Generated in SQL (INSERT … SELECT generate_series), then vacuumed and analyzed, as
 * autovacuum leaves a deployment's tables (it would otherwise do it while a bench measures). Rows
 * go in in the order they started, give or take one row's share of the range, as a deployment
 * writes them: a day's rows share pages, which is what retention deletes and a time range reads.
 */
export async function ensureVolume(url: string, volume: Volume, log: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ skills: string; workflows: string }>(
      `SELECT (SELECT count(*) FROM "SkillExecutions") AS skills, (SELECT count(*) FROM "WorkflowExecutions") AS workflows`,
    );
    if (Number(rows[0]?.skills) === volume.skills && Number(rows[0]?.workflows) === volume.workflows) {
      log(`reusing ${volume.skills} skill and ${volume.workflows} workflow executions`);
      return;
    }
    const began = Date.now();
    await client.query(`TRUNCATE ${STORE_TABLES.map((t) => `"${t}"`).join(", ")}`);
    // a bulk load: the rows go in without the rollup triggers, the rollups are built once after
    await client.query("SET session_replication_role = replica");
    await client.query(
      `INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkfl_id, wkex_workflow_name, companion_id, user_id,
         organization_id, wkex_session_id, wkex_conversation_id, wkex_status, wkex_current_step_id, wkex_current_step_order,
         wkex_total_steps, wkex_completed_steps, wkex_started_at, wkex_completed_at, wkex_total_duration_ms,
         wkex_avg_step_duration_ms, wkex_error_message, wkex_error_step, wkex_total_tokens, wkex_cost_usd,
         wkex_trace_id, wkex_span_id, wkex_span_received)
       SELECT md5('wkex' || i)::uuid, 'bench-' || i, md5('wf' || (i % 40))::uuid, 'workflow-' || (i % 40),
         md5('companion' || (i % 200))::uuid, md5('user' || (i % 20000))::uuid, md5('org' || (i % 100))::uuid,
         'session-' || (i % 50000), 'conversation-' || (i % 80000), s.status,
         'step-' || (1 + i % 4), 1 + i % 4, 4, CASE WHEN s.status = 'completed' THEN 4 ELSE i % 4 END,
         t.started, CASE WHEN s.status IN ('running', 'paused') THEN NULL ELSE t.started + (i % 60000) * interval '1 ms' END,
         CASE WHEN s.status IN ('running', 'paused') THEN NULL ELSE i % 60000 END, (i % 15000)::real,
         CASE WHEN s.status = 'failed' THEN 'error ' || (i % 50) END, CASE WHEN s.status = 'failed' THEN 'step-' || (1 + i % 4) END,
         i % 5000, (i % 5000) * 0.000002, lpad(to_hex(i), 32, '0'), lpad(to_hex(i), 16, '0'), true
       FROM generate_series(1, $1::int) AS i
       CROSS JOIN LATERAL (SELECT now() - (($1::int - i + random()) / $1::int) * $2::int * 86400 * interval '1 second' AS started) t
       CROSS JOIN LATERAL (SELECT (ARRAY['completed','completed','completed','completed','completed','completed',
         'completed','failed','timeout','running','paused','cancelled'])[1 + (i % 12)] AS status) s`,
      [volume.workflows, volume.days],
    );
    log(`loaded ${volume.workflows} workflow executions in ${Date.now() - began} ms`);
    await client.query(
      `INSERT INTO "SkillExecutions" (exec_id, skill_id, companion_id, user_id, organization_id, wkex_id, exec_skill_name,
         exec_status, exec_started_at, exec_completed_at, exec_duration_ms, exec_session_id, exec_conversation_id,
         exec_step_number, exec_error_message, exec_attributes, exec_trace_id, exec_span_id, exec_created_at)
       SELECT md5('exec' || i)::uuid, md5('skill' || (i % 300))::uuid, md5('companion' || (i % 200))::uuid,
         md5('user' || (i % 20000))::uuid, md5('org' || (i % 100))::uuid, md5('wkex' || (1 + i % $3::int))::uuid,
         'skill-' || (i % 300), s.status, t.started, t.started + (i % 30000) * interval '1 ms', i % 30000,
         'session-' || (i % 50000), 'conversation-' || (i % 80000), 1 + i % 4,
         CASE WHEN s.status IN ('failed', 'timeout') THEN 'error ' || (i % 70) END,
         jsonb_build_object('input_data', jsonb_build_object('query', repeat('x', 200 + i % 600)), 'output_data',
           jsonb_build_object('results', i % 20), 'metadata', jsonb_build_object('environment', 'production')
             -- a third made db queries and HTTP calls (what the "Where skill time goes" panel reads)
             || CASE WHEN i % 3 = 0 THEN jsonb_build_object('performance', jsonb_build_object('dbQueries', 1 + i % 4,
               'dbQueryTime', (i % 3000) / 8.0, 'apiCalls', i % 2, 'apiCallTime', (i % 2) * (i % 5000) / 4.0,
               'transformTime', greatest(0, i % 30000 - (i % 3000) / 8.0 - (i % 2) * (i % 5000) / 4.0))) ELSE '{}' END),
         lpad(to_hex(i), 32, '0'), lpad(to_hex(i), 16, '0'), t.started
       FROM generate_series(1, $1::int) AS i
       CROSS JOIN LATERAL (SELECT now() - (($1::int - i + random()) / $1::int) * $2::int * 86400 * interval '1 second' AS started) t
       CROSS JOIN LATERAL (SELECT (ARRAY['completed','completed','completed','completed','completed','completed',
         'completed','completed','failed','timeout'])[1 + (i % 10)] AS status) s`,
      [volume.skills, volume.days, volume.workflows],
    );
    log(`loaded ${volume.skills} skill executions in ${Date.now() - began} ms`);
    await client.query("RESET session_replication_role");
    await client.query("SELECT execlens_rollups_rebuild()");
    log(`built the stats rollups in ${Date.now() - began} ms`);
    await client.query(
      `VACUUM (ANALYZE) "SkillExecutions", "WorkflowExecutions", "SkillRollups", "WorkflowRollups"`,
    );
  } finally {
    await client.end();
  }
}
