/**
 * `npm run bench:explain`: on PostgreSQL with 1M skill and 200k workflow executions over 30
 * days, EXPLAIN every list query the API issues for a single filter, and fail unless each one
 * reads the big table through an index. Set SMOKE=1 for a small, quick run.
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { skillJson, workflowJson } from "../src/server/schemas.js";
import {
  ALL,
  type DatabaseHandle,
  type PageRequest,
  skillListQuery,
  workflowListQuery,
} from "../src/store/index.js";
import { type PlanNode, planDatabase, planNodes } from "./plans.js";

const page: PageRequest = { sort: "started_at", order: "desc", limit: 50 };
const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
/** The UUIDs bench-database.ts generates: md5(label) read as a UUID. */
const md5Uuid = (label: string) => {
  const hex = createHash("md5").update(label).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const skillFilters: Record<string, Parameters<typeof skillListQuery>[2]> = {
  none: {},
  skill_id: { skillId: md5Uuid("skill42") },
  companion_id: { companionId: md5Uuid("companion42") },
  user_id: { userId: md5Uuid("user42") },
  organization_id: { organizationId: md5Uuid("org42") },
  status: { status: ["failed"] },
  "status (several)": { status: ["failed", "timeout"] },
  session_id: { sessionId: "session-42" },
  conversation_id: { conversationId: "conversation-42" },
  workflow_execution_id: { workflowExecution: "bench-42" },
  "started range": { startedFrom: dayAgo },
  min_duration_ms: { minDurationMs: 29_000 },
};
const workflowFilters: Record<string, Parameters<typeof workflowListQuery>[2]> = {
  none: {},
  workflow_id: { workflowId: md5Uuid("wf7") },
  companion_id: { companionId: md5Uuid("companion42") },
  user_id: { userId: md5Uuid("user42") },
  organization_id: { organizationId: md5Uuid("org42") },
  status: { status: ["failed"] },
  "status (several)": { status: ["running", "paused"] },
  session_id: { sessionId: "session-42" },
  conversation_id: { conversationId: "conversation-42" },
  "started range": { startedFrom: dayAgo },
  min_duration_ms: { minDurationMs: 59_000 },
};

/** EXPLAIN ANALYZE of every single-filter list query, on the database at `url`. */
export async function explainApiQueries(url: string, db: DatabaseHandle["db"]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const results: Array<{
    list: string;
    filter: string;
    sort: string;
    indexes: string;
    ok: boolean;
    ms: number;
  }> = [];
  for (const sort of ["started_at", "duration"] as const) {
    for (const [list, filters, build, table, json] of [
      ["skill-executions", skillFilters, skillListQuery, "SkillExecutions", skillJson],
      ["workflow-executions", workflowFilters, workflowListQuery, "WorkflowExecutions", workflowJson],
    ] as const) {
      for (const [filter, value] of Object.entries(filters)) {
        const { query } = (build as typeof skillListQuery)(db, ALL, value, { ...page, sort }, json);
        const statement = query.toSQL();
        const { rows } = await client.query(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`,
          statement.params,
        );
        const plan = (rows[0] as { "QUERY PLAN": Array<{ Plan: PlanNode; "Execution Time": number }> })[
          "QUERY PLAN"
        ][0];
        const nodes = planNodes(plan?.Plan as PlanNode);
        const prefix = `idx_${table.toLowerCase()}_`;
        const indexes = [
          ...new Set(nodes.flatMap((n) => (n["Index Name"]?.startsWith(prefix) ? [n["Index Name"]] : []))),
        ];
        const seq = nodes.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === table);
        results.push({
          list,
          filter,
          sort,
          indexes: indexes.join(", ") || "(none)",
          ok: !seq && indexes.length > 0,
          ms: plan?.["Execution Time"] ?? 0,
        });
      }
    }
  }
  await client.end();
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, handle, volume } = await planDatabase();
  const results = await explainApiQueries(url, handle.db);
  await handle.close();

  console.table(results.map((r) => ({ ...r, ms: r.ms.toFixed(2) })));
  const failures = results.filter((r) => !r.ok);
  console.log(JSON.stringify({ volume, queries: results.length, withoutIndex: failures.length, results }));
  if (failures.length > 0) {
    console.error(`${failures.length} list queries read ${"a big table"} without an index`);
    process.exit(1);
  }
}
