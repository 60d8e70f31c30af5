import { sql } from "drizzle-orm";
import type { Database } from "../../src/store/index.js";

export type Row = Record<string, unknown>;

async function rows(db: Database, query: ReturnType<typeof sql>): Promise<Row[]> {
  return ((await db.execute(query)) as unknown as { rows: Row[] }).rows;
}

/** JSON-stable values: Dates as ISO strings, so rows from PGlite and pg compare alike. */
function normalise(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}

export async function workflowRows(db: Database, traceId?: string): Promise<Row[]> {
  const where = traceId === undefined ? sql`` : sql`WHERE wkex_trace_id = ${traceId}`;
  return (await rows(db, sql`SELECT * FROM "WorkflowExecutions" ${where} ORDER BY wkex_id`)).map(normalise);
}

export async function stepRows(db: Database, wkexId?: string): Promise<Row[]> {
  const where = wkexId === undefined ? sql`` : sql`WHERE wkex_id = ${wkexId}`;
  return (
    await rows(db, sql`SELECT * FROM "WorkflowStepExecutions" ${where} ORDER BY wstp_step_order, wstp_id`)
  ).map(normalise);
}

export async function skillRows(db: Database, traceId?: string): Promise<Row[]> {
  const where = traceId === undefined ? sql`` : sql`WHERE exec_trace_id = ${traceId}`;
  return (
    await rows(db, sql`SELECT * FROM "SkillExecutions" ${where} ORDER BY exec_started_at, exec_id`)
  ).map(normalise);
}

export async function llmCallRows(db: Database, wkexId?: string): Promise<Row[]> {
  const where = wkexId === undefined ? sql`` : sql`WHERE wkex_id = ${wkexId}`;
  return (await rows(db, sql`SELECT * FROM "LlmCalls" ${where} ORDER BY started_at, trace_id, span_id`)).map(
    normalise,
  );
}

/** All execution rows, without the columns that record when a row was written. */
export async function snapshot(db: Database): Promise<Record<string, Row[]>> {
  const drop = (r: Row, keys: string[]) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k)));
  return {
    workflows: (await workflowRows(db)).map((r) => drop(r, ["wkex_created_at", "wkex_updated_at"])),
    steps: (await stepRows(db)).map((r) => drop(r, ["wstp_created_at"])),
    skills: (await skillRows(db)).map((r) => drop(r, ["exec_created_at"])),
    llmCalls: (await llmCallRows(db)).map((r) => drop(r, ["created_at"])),
  };
}
