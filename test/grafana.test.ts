import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { VariableModel } from "@grafana/schema";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { renderedDashboards } from "../grafana/src/build.js";
import { DASHBOARDS, type DashboardDefinition } from "../grafana/src/dashboards.js";
import { expandSql, type VariableValue } from "../grafana/src/expand.js";
import { formatOf } from "../grafana/src/panels.js";
import { DEFAULT_VALUES, where } from "../grafana/src/variables.js";
import { mapSpans } from "../src/mappers/index.js";
import { sourceIdToUuid } from "../src/model/index.js";
import { type Database, PERCENTILE_RELATIVE_ERROR, writeChanges } from "../src/store/index.js";
import { databaseKinds, describeEachDatabase, postgres, useOpenDatabase } from "./helpers/databases.js";
import { BASE_MS, COMPANIONS, ingestDataset, ORGS } from "./helpers/dataset.js";
import { llmCallRows, type Row, skillRows, workflowRows } from "./helpers/rows.js";
import { span } from "./helpers/spans.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const FROM = new Date(BASE_MS);
const TO = new Date(BASE_MS + 3 * 86_400_000);
const HOUR = 3600;
/** The panels' row filters as they were before the hour cells. */
const SKILL_ROWS = [
  "$__timeFilter(exec_started_at)",
  where.skill("exec_skill_name"),
  where.companion("companion_id"),
  where.organisation("organization_id"),
  where.user("user_id"),
  where.session("exec_session_id"),
].join(" AND ");
const WORKFLOW_ROWS = [
  "$__timeFilter(wkex_started_at)",
  where.workflow("wkex_workflow_name"),
  where.companion("companion_id"),
  where.organisation("organization_id"),
].join(" AND ");

/** The dataset's range, one with ragged edges, and one inside an hour. */
const RANGES = [
  { from: FROM, to: TO },
  {
    from: new Date(BASE_MS + 17 * 60_000 + 3_500),
    to: new Date(BASE_MS + 2 * 86_400_000 + 5 * 3_600_000 + 41 * 60_000),
  },
  { from: new Date(BASE_MS + 3_600_000 + 60_000), to: new Date(BASE_MS + 3_600_000 + 50 * 60_000) },
];

type Result = { fields: Array<{ name: string; dataTypeID: number }>; rows: Row[] };

async function run(db: Database, text: string): Promise<Result> {
  const result = (await db.execute(sql.raw(text))) as unknown as Result & { fields?: Result["fields"] };
  return { fields: result.fields ?? [], rows: result.rows };
}

const num = (v: unknown) => Number(v);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  return (
    (sorted[lo] as number) + ((sorted[Math.ceil(rank)] as number) - (sorted[lo] as number)) * (rank - lo)
  );
}

/** A percentile read from duration histograms against percentile_cont on the same durations. */
function expectWithinHistogramBound(got: number | null, want: number | null, message?: string) {
  if (want === null) expect(got, message).toBeNull();
  else
    expect(Math.abs(num(got) - want), message).toBeLessThanOrEqual(PERCENTILE_RELATIVE_ERROR * want + 1e-9);
}

type Forms = Record<string, Record<string, VariableValue>>;

function variableForms(): Forms {
  const org = sourceIdToUuid(ORGS[0] as string);
  const companion = sourceIdToUuid(COMPANIONS[0] as string);
  return {
    all: DEFAULT_VALUES,
    single: {
      organisation: org,
      companion,
      skill: "search",
      workflow: "report",
      user: "",
      session: "",
      stuck_minutes: "15",
    },
    multi: {
      organisation: [org, sourceIdToUuid(ORGS[1] as string)],
      companion: [companion, sourceIdToUuid(COMPANIONS[1] as string)],
      skill: ["search", "fetch"],
      workflow: ["report", "onboarding"],
      user: "",
      session: "session-1",
      stuck_minutes: "30",
    },
  };
}

function expand(definition: DashboardDefinition, text: string, values: Record<string, VariableValue>) {
  return expandSql(text, {
    from: FROM,
    to: TO,
    interval: "1h",
    variables: definition.variables as VariableModel[],
    values,
  });
}

describe("dashboards as code", () => {
  it("the committed JSON is what grafana:build writes", async () => {
    for (const { file, json } of renderedDashboards()) {
      expect(
        await readFile(`${root}grafana/dashboards/${file}`, "utf8"),
        `${file} is stale: run npm run grafana:build`,
      ).toBe(json);
    }
  });

  it("every panel queries the datasource variable with raw SQL in the format its type needs", () => {
    for (const { json } of renderedDashboards()) {
      const dashboard = JSON.parse(json);
      expect(dashboard.templating.list.map((v: { name: string }) => v.name)).toContain("datasource");
      for (const panel of dashboard.panels) {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
        expect(panel.datasource).toEqual({ type: "grafana-postgresql-datasource", uid: "${datasource}" });
        expect(panel.targets[0]).toMatchObject({
          rawQuery: true,
          format: panel.type === "timeseries" ? "time_series" : "table",
        });
      }
    }
  });
});

const Datasources = z.object({
  apiVersion: z.literal(1),
  datasources: z.array(
    z.object({
      name: z.string(),
      uid: z.string(),
      type: z.literal("grafana-postgresql-datasource"),
      access: z.enum(["proxy", "direct"]),
      url: z.string(),
      user: z.string(),
      jsonData: z.object({ database: z.string(), sslmode: z.string(), postgresVersion: z.number() }),
      secureJsonData: z.object({ password: z.string() }),
    }),
  ),
});
const Providers = z.object({
  apiVersion: z.literal(1),
  providers: z.array(
    z.object({
      name: z.string(),
      type: z.literal("file"),
      folder: z.string(),
      options: z.object({ path: z.string() }),
    }),
  ),
});
const Query = z.object({
  refId: z.string(),
  relativeTimeRange: z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }),
  datasourceUid: z.string(),
  model: z.record(z.string(), z.unknown()),
});
const Rules = z.object({
  apiVersion: z.literal(1),
  groups: z.array(
    z.object({
      orgId: z.number(),
      name: z.string(),
      folder: z.string(),
      interval: z.string().regex(/^\d+[smh]$/),
      rules: z.array(
        z.object({
          uid: z.string().max(40),
          title: z.string(),
          condition: z.string(),
          data: z.array(Query).min(2),
          noDataState: z.enum(["OK", "NoData", "Alerting"]),
          execErrState: z.enum(["OK", "Error", "Alerting"]),
          for: z.string(),
          labels: z.record(z.string(), z.string()),
          annotations: z.object({ summary: z.string(), description: z.string() }),
        }),
      ),
    }),
  ),
});
const ContactPoints = z.object({
  apiVersion: z.literal(1),
  contactPoints: z.array(
    z.object({
      orgId: z.number(),
      name: z.string(),
      receivers: z.array(
        z.object({ uid: z.string(), type: z.string(), settings: z.record(z.string(), z.unknown()) }),
      ),
    }),
  ),
  policies: z.array(z.object({ orgId: z.number(), receiver: z.string() })),
});

const provisioning = async (path: string) =>
  parse(await readFile(`${root}grafana/provisioning/${path}`, "utf8"));

describe("provisioning files", () => {
  it("parse and carry every field Grafana requires", async () => {
    const ds = Datasources.parse(await provisioning("datasources/execlens.yml"));
    Providers.parse(await provisioning("dashboards/execlens.yml"));
    const rules = Rules.parse(await provisioning("alerting/execlens-rules.yml"));
    const contact = ContactPoints.parse(await provisioning("alerting/contact-points.yml"));
    for (const rule of rules.groups.flatMap((g) => g.rules)) {
      expect(rule.data.map((d) => d.refId)).toContain(rule.condition);
      for (const q of rule.data) expect([ds.datasources[0]?.uid, "__expr__"]).toContain(q.datasourceUid);
    }
    expect(contact.policies[0]?.receiver).toBe(contact.contactPoints[0]?.name);
  });
});

describeEachDatabase("panel and alert SQL, expanded as Grafana does", (kind) => {
  const database = useOpenDatabase(kind);
  let skills: Row[];
  let workflows: Row[];
  beforeAll(async () => {
    const db = database.handle.db;
    await ingestDataset(db, { seed: 21, traces: 50 });
    // model requests under the first workflows, two models
    const requests = Array.from({ length: 12 }, (_, i) => {
      const traceId = (i + 1).toString(16).padStart(32, "0").replace(/^0/, "a");
      const start = BASE_MS + 3600_000;
      return span({
        traceId,
        spanId: "00000000000000c1",
        parentSpanId: "0000000000000001",
        name: "chat",
        startMs: start + i * 60_000,
        endMs: start + i * 60_000 + 100 * (i + 1),
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": i % 3 === 0 ? "gpt-4o" : "claude-sonnet-4",
          "gen_ai.usage.input_tokens": 100 + i,
          "gen_ai.usage.output_tokens": 10,
        },
      });
    });
    await writeChanges(db, mapSpans(requests));
    // a skill that failed once, then ran a query and succeeded (its time split and its retry)
    const retried = "b".repeat(32);
    const at = BASE_MS + 2 * 3600_000;
    const retryTrace = (
      spanId: string,
      parentSpanId: string | undefined,
      name: string,
      from: number,
      to: number,
    ) => ({
      traceId: retried,
      spanId,
      parentSpanId,
      name,
      startMs: at + from,
      endMs: at + to,
    });
    await writeChanges(
      db,
      mapSpans([
        span({
          ...retryTrace("00000000000000a1", undefined, "orders", 0, 100),
          attributes: { "workflow.name": "orders" },
        }),
        span({
          ...retryTrace("00000000000000a2", "00000000000000a1", "lookup", 1, 10),
          attributes: { "skill.name": "lookup" },
          error: "Connection refused",
        }),
        span({
          ...retryTrace("00000000000000a3", "00000000000000a1", "lookup", 11, 60),
          attributes: { "skill.name": "lookup" },
        }),
        span({
          ...retryTrace("00000000000000a4", "00000000000000a3", "SELECT", 12, 40),
          attributes: { "db.system.name": "postgresql", "db.query.text": "SELECT 1" },
        }),
      ]),
    );
    await db.execute(sql`UPDATE "WorkflowExecutions" SET wkex_total_tokens = 100 + (hashtext(wkex_id::text) & 1023),
      wkex_cost_usd = (hashtext(wkex_id::text) & 1023) / 10000.0,
      wkex_attributes = jsonb_set(wkex_attributes, '{metadata,cost}', jsonb_build_object('model', CASE WHEN hashtext(wkex_id::text) & 1 = 0 THEN 'gpt-4o' ELSE 'claude-sonnet' END))`);
    // executions without a duration: averages and percentiles leave them out, counts do not
    await db.execute(
      sql`UPDATE "SkillExecutions" SET exec_duration_ms = NULL WHERE hashtext(exec_id::text) % 9 = 0`,
    );
    await db.execute(sql`UPDATE "WorkflowExecutions" SET
      wkex_total_duration_ms = CASE WHEN hashtext(wkex_id::text) % 9 = 0 THEN NULL ELSE wkex_total_duration_ms END,
      wkex_avg_step_duration_ms = CASE WHEN hashtext(wkex_id::text) % 7 = 1 THEN NULL ELSE wkex_avg_step_duration_ms END`);
    // two executions still running: one started long ago (stuck), one just now
    const now = Date.now();
    for (const [n, age] of [
      [1, 3 * 3600_000],
      [2, 1000],
    ] as const) {
      const traceId = `${n}`.padStart(32, "e");
      await writeChanges(
        db,
        mapSpans([
          span({
            traceId,
            spanId: "0000000000000002",
            parentSpanId: "0000000000000001",
            name: "step",
            startMs: now - age,
            endMs: now - age + 10,
            attributes: { "workflow.step.id": "s1", "workflow.name": "report", "workflow.total_steps": 4 },
          }),
        ]),
      );
    }
    skills = (await skillRows(db)).filter(
      (r) =>
        Date.parse(r.exec_started_at as string) >= FROM.getTime() &&
        Date.parse(r.exec_started_at as string) <= TO.getTime(),
    );
    workflows = await workflowRows(db);
  });

  const inRange = (rows: Row[]) =>
    rows.filter(
      (r) =>
        Date.parse(r.wkex_started_at as string) >= FROM.getTime() &&
        Date.parse(r.wkex_started_at as string) <= TO.getTime(),
    );

  for (const definition of DASHBOARDS) {
    for (const form of ["all", "single", "multi"]) {
      it(`${definition.title}: every panel runs with variables in their ${form} form and returns what its type needs`, async () => {
        const values = variableForms()[form] as Record<string, VariableValue>;
        for (const panel of definition.panels) {
          const result = await run(database.handle.db, expand(definition, panel.sql, values));
          if (formatOf(panel) === "time_series") {
            expect(result.fields[0]?.name, panel.title).toBe("time");
            for (const row of result.rows) {
              expect(Number.isFinite(num(row.time)), panel.title).toBe(true);
              const numeric = Object.entries(row).filter(([k]) => k !== "time" && k !== "metric");
              expect(numeric.length, panel.title).toBeGreaterThan(0);
              for (const [, v] of numeric)
                expect(v === null || Number.isFinite(num(v)), panel.title).toBe(true);
            }
          }
          if (
            form === "all" &&
            panel.title !== "Stuck executions" &&
            panel.title !== "Running and paused now"
          ) {
            expect(result.rows.length, `${panel.title} has rows`).toBeGreaterThan(0);
          }
        }
      });
    }
  }

  const panelSql = (definition: DashboardDefinition, title: string) =>
    definition.panels.find((p) => p.title === title)?.sql as string;
  const panel = (definition: DashboardDefinition, title: string, form = "all") =>
    run(
      database.handle.db,
      expand(definition, panelSql(definition, title), variableForms()[form] as Record<string, VariableValue>),
    );
  const [skillsBoard, workflowsBoard, costBoard] = DASHBOARDS as [
    DashboardDefinition,
    DashboardDefinition,
    DashboardDefinition,
  ];

  it("skill panels return the values the seeded rows imply", async () => {
    const throughput = await panel(skillsBoard, "Throughput by status");
    expect(throughput.rows.reduce((n, r) => n + num(r.value), 0)).toBe(skills.length);
    const search = await panel(skillsBoard, "Throughput by status", "single");
    const org = sourceIdToUuid(ORGS[0] as string);
    const companion = sourceIdToUuid(COMPANIONS[0] as string);
    expect(search.rows.reduce((n, r) => n + num(r.value), 0)).toBe(
      skills.filter(
        (s) => s.exec_skill_name === "search" && s.organization_id === org && s.companion_id === companion,
      ).length,
    );
    const rates = await panel(skillsBoard, "Failure and timeout rate");
    for (const row of rates.rows) {
      const bucket = skills.filter(
        (s) => Math.floor(Date.parse(s.exec_started_at as string) / 1000 / HOUR) * HOUR === num(row.time),
      );
      expect(num(row["failed %"])).toBeCloseTo(
        (100 * bucket.filter((s) => s.exec_status === "failed").length) / bucket.length,
        6,
      );
    }
    const durations = await panel(skillsBoard, "Duration per skill (p50, p95, p99)");
    for (const row of durations.rows) {
      const mine = skills.filter((s) => s.exec_skill_name === row.skill);
      expect(num(row.executions)).toBe(mine.length);
      const measured = mine.flatMap((s) => (s.exec_duration_ms === null ? [] : [num(s.exec_duration_ms)]));
      expectWithinHistogramBound(num(row.p50_ms), percentile(measured, 0.5));
      expectWithinHistogramBound(num(row.p99_ms), percentile(measured, 0.99));
    }
    const slowest = await panel(skillsBoard, "Slowest executions");
    expect(num(slowest.rows[0]?.duration_ms)).toBe(Math.max(...skills.map((s) => num(s.exec_duration_ms))));
    const failures = await panel(skillsBoard, "Latest failures");
    expect(failures.rows.length).toBe(
      Math.min(50, skills.filter((s) => ["failed", "timeout"].includes(s.exec_status as string)).length),
    );
    // the dataset's db queries and HTTP calls, and the retried lookup's query (seeded above)
    const timeGoes = await panel(skillsBoard, "Where skill time goes (db, API, own)");
    const timesOf = (s: Row) =>
      ((s.exec_attributes as { metadata?: { performance?: Record<string, unknown> } }).metadata
        ?.performance ?? {}) as Record<string, unknown>;
    const timed = skills.filter((s) => typeof timesOf(s).transformTime === "number");
    expect(timeGoes.rows.map((r) => r.skill).sort()).toEqual(
      [...new Set(timed.map((s) => s.exec_skill_name))].sort(),
    );
    const average = (skill: unknown, key: string) => {
      const values = timed
        .filter((s) => s.exec_skill_name === skill)
        .flatMap((s) => {
          const value = timesOf(s)[key];
          return typeof value === "number" ? [value] : [];
        });
      return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    };
    for (const row of timeGoes.rows) {
      for (const [column, key] of [
        ["db ms", "dbQueryTime"],
        ["API ms", "apiCallTime"],
        ["own ms", "transformTime"],
      ] as const) {
        const want = average(row.skill, key);
        if (want === null) expect(row[column], `${row.skill} ${column}`).toBeNull();
        else expect(num(row[column]), `${row.skill} ${column}`).toBeCloseTo(want, 3);
      }
    }
    expect(timeGoes.rows.filter((r) => r["API ms"] !== null).length).toBeGreaterThan(0);
    // the retried lookup (seeded above), read through idx_skillexecutions_retried's condition
    const retries = await panel(skillsBoard, "Retries");
    expect(retries.rows).toEqual([
      expect.objectContaining({ skill: "lookup", max_attempt: 2, top_previous_error: "Connection refused" }),
    ]);
    expect(num(retries.rows[0]?.retried)).toBe(1);
    expect(num(retries.rows[0]?.succeeded)).toBe(1);
  });

  it("panels read from the hour cells give the numbers the rows give", async () => {
    // the panels as they were, on the rows only
    const fromRows: Array<[DashboardDefinition, string, string]> = [
      [
        skillsBoard,
        "Throughput by status",
        `SELECT $__timeGroupAlias(exec_started_at, $__interval), exec_status AS metric, count(*) AS value
FROM "SkillExecutions" WHERE ${SKILL_ROWS} GROUP BY 1, 2 ORDER BY 1, 2`,
      ],
      [
        skillsBoard,
        "Failure and timeout rate",
        `SELECT $__timeGroupAlias(exec_started_at, $__interval),
  100.0 * count(*) FILTER (WHERE exec_status = 'failed') / count(*) AS "failed %",
  100.0 * count(*) FILTER (WHERE exec_status = 'timeout') / count(*) AS "timed out %"
FROM "SkillExecutions" WHERE ${SKILL_ROWS} GROUP BY 1 ORDER BY 1`,
      ],
      [
        skillsBoard,
        "Where skill time goes (db, API, own)",
        `SELECT exec_skill_name AS skill,
  round(avg((exec_attributes #> '{metadata,performance,dbQueryTime}')::numeric), 3)::float8 AS "db ms",
  round(avg((exec_attributes #> '{metadata,performance,apiCallTime}')::numeric), 3)::float8 AS "API ms",
  round(avg((exec_attributes #> '{metadata,performance,transformTime}')::numeric), 3)::float8 AS "own ms"
FROM "SkillExecutions" WHERE ${SKILL_ROWS} AND exec_attributes #> '{metadata,performance,transformTime}' IS NOT NULL
GROUP BY 1 ORDER BY 1 LIMIT 20`,
      ],
      [
        workflowsBoard,
        "Completion rate",
        `SELECT $__timeGroupAlias(wkex_started_at, $__interval),
  100.0 * count(*) FILTER (WHERE wkex_status = 'completed') / count(*) AS "completed %"
FROM "WorkflowExecutions" WHERE ${WORKFLOW_ROWS} GROUP BY 1 ORDER BY 1`,
      ],
      [
        costBoard,
        "Tokens over time",
        `SELECT $__timeGroupAlias(wkex_started_at, $__interval), wkex_workflow_name AS metric,
  coalesce(sum(wkex_total_tokens), 0) AS value
FROM "WorkflowExecutions" WHERE ${WORKFLOW_ROWS} GROUP BY 1, 2 ORDER BY 1`,
      ],
      [
        costBoard,
        "Cost over time (USD)",
        `SELECT $__timeGroupAlias(wkex_started_at, $__interval), coalesce(sum(wkex_cost_usd), 0)::float8 AS "cost USD"
FROM "WorkflowExecutions" WHERE ${WORKFLOW_ROWS} GROUP BY 1 ORDER BY 1`,
      ],
    ];
    let compared = 0;
    for (const [board, title, reference] of fromRows) {
      const text = board.panels.find((p) => p.title === title)?.sql as string;
      for (const range of RANGES) {
        for (const interval of ["1h", "2h", "5m"]) {
          for (const form of ["all", "single", "multi"]) {
            const options = {
              ...range,
              interval,
              variables: board.variables as VariableModel[],
              values: variableForms()[form] as Record<string, VariableValue>,
            };
            const got = await run(database.handle.db, `${expandSql(text, options)}`);
            const want = await run(database.handle.db, expandSql(reference, options));
            const sorted = (rows: Row[]) =>
              [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
            expect(sorted(got.rows), `${title}, ${interval}, ${form}`).toEqual(sorted(want.rows));
            compared += want.rows.length;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it("duration panels read from the cells give the rows' averages, and percentiles within the histograms' bound", async () => {
    const percentiles = `SELECT exec_skill_name AS skill, count(*) AS executions,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY exec_duration_ms) AS p50_ms,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY exec_duration_ms) AS p95_ms,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY exec_duration_ms) AS p99_ms
FROM "SkillExecutions" WHERE ${SKILL_ROWS} GROUP BY 1`;
    const averages = `SELECT $__timeGroupAlias(wkex_started_at, $__interval),
  avg(wkex_total_duration_ms) AS "duration ms", avg(wkex_avg_step_duration_ms) AS "step duration ms"
FROM "WorkflowExecutions" WHERE ${WORKFLOW_ROWS} GROUP BY 1`;
    const forms: Forms = {
      ...variableForms(),
      // the cells have no user: the rows
      user: { ...DEFAULT_VALUES, user: skills.find((s) => s.user_id !== null)?.user_id as string },
    };
    // PostgreSQL puts a skill without any duration first
    const longest = (p95: unknown) => (p95 === null ? Number.POSITIVE_INFINITY : num(p95));
    const byKey = (rows: Row[], key: string) => new Map(rows.map((r) => [String(r[key]), r]));
    let compared = 0;
    for (const range of RANGES) {
      for (const interval of ["1h", "2h", "5m"]) {
        for (const [form, values] of Object.entries(forms)) {
          const label = `${range.from.toISOString()}..${range.to.toISOString()}, ${interval}, ${form}`;
          const at = (board: DashboardDefinition, text: string) =>
            run(
              database.handle.db,
              expandSql(text, { ...range, interval, variables: board.variables as VariableModel[], values }),
            );
          const skillPanel = await at(
            skillsBoard,
            panelSql(skillsBoard, "Duration per skill (p50, p95, p99)"),
          );
          const skillRows = byKey((await at(skillsBoard, percentiles)).rows, "skill");
          expect([...byKey(skillPanel.rows, "skill").keys()].sort(), label).toEqual(
            [...skillRows.keys()].sort(),
          );
          for (const got of skillPanel.rows) {
            const want = skillRows.get(String(got.skill)) as Row;
            expect(num(got.executions), label).toBe(num(want.executions));
            for (const p of ["p50_ms", "p95_ms", "p99_ms"])
              expectWithinHistogramBound(got[p] as number | null, want[p] as number | null, `${label}, ${p}`);
          }
          expect(
            skillPanel.rows.map((r) => r.p95_ms),
            `${label}: by p95, longest first`,
          ).toEqual([...skillPanel.rows.map((r) => r.p95_ms)].sort((a, b) => longest(b) - longest(a)));
          const workflowPanel = await at(
            workflowsBoard,
            panelSql(workflowsBoard, "Duration and average step duration"),
          );
          const workflowRows = byKey((await at(workflowsBoard, averages)).rows, "time");
          expect([...byKey(workflowPanel.rows, "time").keys()], label).toEqual(
            [...workflowRows.keys()].sort((a, b) => num(a) - num(b)),
          );
          for (const got of workflowPanel.rows) {
            const want = workflowRows.get(String(got.time)) as Row;
            // both numeric sum / count: the same digits
            expect(got["duration ms"], label).toBe(want["duration ms"]);
            const step = want["step duration ms"] as number | null;
            if (step === null) expect(got["step duration ms"], label).toBeNull();
            else expect(num(got["step duration ms"]), label).toBeCloseTo(step, 9);
          }
          compared += skillPanel.rows.length + workflowPanel.rows.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
    // the dataset has executions without a duration in the cells read
    expect(skills.some((s) => s.exec_duration_ms === null)).toBe(true);
    expect(inRange(workflows).some((w) => w.wkex_total_duration_ms === null)).toBe(true);
  });

  it("workflow and cost panels return the values the seeded rows imply", async () => {
    const running = await panel(workflowsBoard, "Running and paused now");
    expect(running.rows.length).toBe(
      workflows.filter((w) => ["running", "paused"].includes(w.wkex_status as string)).length,
    );
    expect(running.rows.length).toBe(2);
    const stuck = await panel(workflowsBoard, "Stuck executions");
    expect(stuck.rows.length).toBe(1);
    const failed = await panel(workflowsBoard, "Failures by error step");
    expect(failed.rows.reduce((n, r) => n + num(r.failures), 0)).toBe(
      inRange(workflows).filter((w) => w.wkex_status === "failed").length,
    );
    const tokens = await panel(costBoard, "Tokens over time");
    expect(tokens.rows.reduce((n, r) => n + num(r.value), 0)).toBe(
      inRange(workflows).reduce((n, w) => n + num(w.wkex_total_tokens ?? 0), 0),
    );
    const byWorkflow = await panel(costBoard, "By workflow");
    expect(byWorkflow.rows.reduce((n, r) => n + num(r.executions), 0)).toBe(inRange(workflows).length);
    const byModel = await panel(costBoard, "By model");
    expect(byModel.rows.map((r) => r.model).sort()).toEqual(["claude-sonnet", "gpt-4o"]);
    expect(byModel.rows.reduce((n, r) => n + num(r.cost_usd), 0)).toBeCloseTo(
      inRange(workflows).reduce((n, w) => n + num(w.wkex_cost_usd ?? 0), 0),
      6,
    );
    const requests = await panel(costBoard, "Model requests by model");
    const calls = (await llmCallRows(database.handle.db)).filter(
      (c) =>
        Date.parse(c.started_at as string) >= FROM.getTime() &&
        Date.parse(c.started_at as string) <= TO.getTime(),
    );
    expect(calls.length).toBeGreaterThan(0);
    expect(Object.fromEntries(requests.rows.map((r) => [r.model, num(r.requests)]))).toEqual(
      Object.fromEntries(
        ["gpt-4o", "claude-sonnet-4"].map((m) => [m, calls.filter((c) => c.model === m).length]),
      ),
    );
    expect(requests.rows.reduce((n, r) => n + num(r.tokens), 0)).toBe(
      calls.reduce((n, c) => n + num(c.total_tokens), 0),
    );
    for (const row of requests.rows) expect(num(row.p95_ms)).toBeGreaterThan(0);
  });

  it("every alert rule's query runs and returns a numeric value per labelled row", async () => {
    const db = database.handle.db;
    const now = Date.now();
    await writeChanges(
      db,
      mapSpans([
        span({
          traceId: "f".repeat(32),
          spanId: "0000000000000009",
          name: "skill",
          startMs: now - 1000,
          endMs: now - 900,
          attributes: { "skill.name": "alerting-skill" },
          error: "boom",
        }),
      ]),
    );
    const rules = Rules.parse(await provisioning("alerting/execlens-rules.yml")).groups.flatMap(
      (g) => g.rules,
    );
    for (const rule of rules) {
      const query = rule.data[0];
      const text = expandSql(query?.model.rawSql as string, {
        from: new Date(now - (query?.relativeTimeRange.from ?? 0) * 1000),
        to: new Date(now),
        interval: "1m",
        variables: [],
        values: {},
      });
      const result = await run(db, text);
      expect(
        result.fields.map((f) => f.name),
        rule.title,
      ).toContain("value");
      for (const row of result.rows) expect(Number.isFinite(num(row.value)), rule.title).toBe(true);
      if (rule.uid === "execlens-failed-skill")
        expect(result.rows).toEqual([{ name: "alerting-skill", value: expect.anything(), error: "boom" }]);
      if (rule.uid === "execlens-stuck-workflows") expect(result.rows.map((r) => num(r.value))).toEqual([1]);
    }
  });
});

describe.runIf(databaseKinds.includes(postgres))("read-only role for Grafana [postgres]", () => {
  const database = useOpenDatabase(postgres);
  const role = `execlens_grafana_${process.pid}`;
  afterAll(async () => {
    await database.handle.db
      .execute(sql.raw(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`))
      .catch(() => undefined);
  });

  it("grafana/readonly-role.sql makes a role that can read the executions and write nothing", async () => {
    const { rows } = (await database.handle.db.execute(sql`SELECT current_database() AS db`)) as unknown as {
      rows: Array<{ db: string }>;
    };
    const url = new URL(
      process.env.EXECLENS_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    );
    url.pathname = `/${rows[0]?.db}`;
    await promisify(execFile)("psql", [
      url.toString(),
      "-v",
      "ON_ERROR_STOP=1",
      "-v",
      "password=secret",
      "-v",
      `role=${role}`,
      "-f",
      `${root}grafana/readonly-role.sql`,
    ]);
    const reader = new URL(url);
    reader.username = role;
    reader.password = "secret";
    const client = new pg.Client({ connectionString: reader.toString() });
    await client.connect();
    try {
      await client.query('SELECT count(*) FROM "SkillExecutions"');
      await expect(client.query(`DELETE FROM "WorkflowExecutions"`)).rejects.toThrow(
        /read-only|permission denied/,
      );
    } finally {
      await client.end();
    }
  });
});
