/**
 * `npm run bench:panels`: on PostgreSQL with 1M skill and 200k workflow executions over 30 days,
 * expands every Grafana panel query as Grafana does (dashboard default range: the last 24 h,
 * every variable "All"; `npm run bench:query` also runs them over 30 days), runs EXPLAIN ANALYZE,
 * and fails when one scans a big table sequentially or takes longer than 500 ms. SMOKE=1 runs it
 * on a small database.
 */

import { fileURLToPath } from "node:url";
import type { VariableModel } from "@grafana/schema";
import pg from "pg";
import { DASHBOARDS } from "../grafana/src/dashboards.js";
import { expandSql } from "../grafana/src/expand.js";
import { DEFAULT_VALUES } from "../grafana/src/variables.js";
import { type PlanNode, planDatabase, planNodes } from "./plans.js";

const LIMIT_MS = 500;

/**
 * A range ending now and the $__interval Grafana gives it: over 30 days 1 h, what the count
 * panels' maxDataPoints yield (the other panels read the same rows at any interval).
 */
export interface PanelRange {
  readonly days: number;
  readonly interval: string;
}

/** EXPLAIN ANALYZE of every panel query (variables "All"), on the database at `url`. */
export async function explainPanels(url: string, range: PanelRange = { days: 1, interval: "5m" }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const to = new Date();
  const from = new Date(to.getTime() - range.days * 86_400_000);
  const results: Array<{
    dashboard: string;
    panel: string;
    indexes: string;
    seqScan: boolean;
    ms: number;
    ok: boolean;
  }> = [];
  for (const dashboard of DASHBOARDS) {
    for (const panel of dashboard.panels) {
      const text = expandSql(panel.sql, {
        from,
        to,
        interval: range.interval,
        variables: dashboard.variables as VariableModel[],
        values: DEFAULT_VALUES,
      });
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`);
      const plan = (rows[0] as { "QUERY PLAN": Array<{ Plan: PlanNode; "Execution Time": number }> })[
        "QUERY PLAN"
      ][0];
      const nodes = planNodes(plan?.Plan as PlanNode);
      const seqScan = nodes.some(
        (n) =>
          n["Node Type"] === "Seq Scan" &&
          ["SkillExecutions", "WorkflowExecutions"].includes(n["Relation Name"] ?? ""),
      );
      const indexes = [...new Set(nodes.flatMap((n) => (n["Index Name"] ? [n["Index Name"]] : [])))].join(
        ", ",
      );
      const ms = plan?.["Execution Time"] ?? 0;
      results.push({
        dashboard: dashboard.title,
        panel: panel.title,
        indexes,
        seqScan,
        ms: Math.round(ms * 100) / 100,
        ok: !seqScan && ms < LIMIT_MS,
      });
    }
  }
  await client.end();
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, handle, volume } = await planDatabase();
  await handle.close();
  const results = await explainPanels(url);
  console.table(results);
  const failures = results.filter((r) => !r.ok);
  console.log(
    JSON.stringify({ volume, panels: results.length, failing: failures.length, limitMs: LIMIT_MS, results }),
  );
  if (failures.length > 0) {
    console.error(`${failures.length} panel queries scan a big table or take longer than ${LIMIT_MS} ms`);
    process.exit(1);
  }
}
