import { beforeAll, expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import { sourceIdToUuid } from "../src/model/index.js";
import { writeChanges } from "../src/store/index.js";
import { allPages, apiClient } from "./helpers/api.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { BASE_MS, COMPANIONS, datasetSpans, ingestDataset, ORGS, USERS } from "./helpers/dataset.js";
import { useExeclens } from "./helpers/execlens.js";
import { type Row, skillRows, workflowRows } from "./helpers/rows.js";

type Item = { execId?: string; wkexId?: string };
const idOf = (item: Item) => (item.execId ?? item.wkexId) as string;

interface Case {
  readonly name: string;
  readonly query: Record<string, string | number>;
  readonly keep: (row: Row) => boolean;
}

const ms = (value: unknown) => Date.parse(value as string);

function expectedOrder(
  rows: Row[],
  idColumn: string,
  started: string,
  duration: string,
  sort: string,
  order: string,
) {
  const key = (r: Row) => (sort === "duration" ? Number(r[duration]) : ms(r[started]));
  const sorted = rows
    .filter((r) => sort !== "duration" || r[duration] !== null)
    .sort((a, b) => key(a) - key(b) || String(a[idColumn]).localeCompare(String(b[idColumn])));
  return (order === "desc" ? sorted.reverse() : sorted).map((r) => r[idColumn] as string);
}

describeEachDatabase("list endpoints", (kind) => {
  const execlens = useExeclens(kind);
  let skills: Row[];
  let workflows: Row[];
  beforeAll(async () => {
    await ingestDataset(execlens.database.db, { seed: 7, traces: 40 });
    skills = await skillRows(execlens.database.db);
    workflows = await workflowRows(execlens.database.db);
  });

  const from = new Date(BASE_MS + 24 * 3600 * 1000).toISOString();
  const to = new Date(BASE_MS + 2 * 24 * 3600 * 1000).toISOString();
  const common = (prefix: "exec" | "wkex", duration: string): Case[] => [
    {
      name: "companion_id",
      query: { companion_id: COMPANIONS[0] as string },
      keep: (r) => r.companion_id === sourceIdToUuid(COMPANIONS[0] as string),
    },
    {
      name: "user_id",
      query: { user_id: USERS[1] as string },
      keep: (r) => r.user_id === sourceIdToUuid(USERS[1] as string),
    },
    {
      name: "organization_id",
      query: { organization_id: ORGS[2] as string },
      keep: (r) => r.organization_id === sourceIdToUuid(ORGS[2] as string),
    },
    {
      name: "organization_id as UUID",
      query: { organization_id: sourceIdToUuid(ORGS[0] as string) },
      keep: (r) => r.organization_id === sourceIdToUuid(ORGS[0] as string),
    },
    { name: "status", query: { status: "failed" }, keep: (r) => r[`${prefix}_status`] === "failed" },
    {
      name: "several statuses",
      query: { status: "failed,timeout" },
      keep: (r) => ["failed", "timeout"].includes(r[`${prefix}_status`] as string),
    },
    {
      name: "session_id",
      query: { session_id: "session-2" },
      keep: (r) => r[`${prefix}_session_id`] === "session-2",
    },
    {
      name: "conversation_id",
      query: { conversation_id: "conversation-1" },
      keep: (r) => r[`${prefix}_conversation_id`] === "conversation-1",
    },
    {
      name: "started range",
      query: { started_from: from, started_to: to },
      keep: (r) => ms(r[`${prefix}_started_at`]) >= ms(from) && ms(r[`${prefix}_started_at`]) < ms(to),
    },
    {
      name: "min_duration_ms",
      query: { min_duration_ms: 300 },
      keep: (r) => r[duration] !== null && Number(r[duration]) >= 300,
    },
  ];

  const skillCases = (): Case[] => {
    const wkex = workflows[3] as Row;
    return [
      ...common("exec", "exec_duration_ms"),
      {
        name: "skill_id",
        query: { skill_id: "skill-2" },
        keep: (r) => r.skill_id === sourceIdToUuid("skill-2"),
      },
      {
        name: "workflow_execution_id (wkex_id)",
        query: { workflow_execution_id: wkex.wkex_id as string },
        keep: (r) => r.wkex_id === wkex.wkex_id,
      },
      {
        name: "workflow_execution_id (execution id)",
        query: { workflow_execution_id: wkex.wkex_execution_id as string },
        keep: (r) => r.wkex_id === wkex.wkex_id,
      },
    ];
  };
  const workflowCases = (): Case[] => [
    ...common("wkex", "wkex_total_duration_ms"),
    {
      name: "workflow_id",
      query: { workflow_id: "wf-report" },
      keep: (r) => r.wkfl_id === sourceIdToUuid("wf-report"),
    },
  ];

  for (const sort of ["started_at", "duration"]) {
    for (const order of ["desc", "asc"]) {
      it(`skill executions: every filter, sort=${sort} order=${order}, walked in pages`, async () => {
        const api = apiClient(execlens.apiUrl);
        expect(skills.length).toBeGreaterThan(80);
        for (const c of [{ name: "no filter", query: {}, keep: () => true }, ...skillCases()]) {
          const expected = expectedOrder(
            skills.filter(c.keep),
            "exec_id",
            "exec_started_at",
            "exec_duration_ms",
            sort,
            order,
          );
          const got = await allPages<Item>(api, "/api/skill-executions", {
            ...c.query,
            sort,
            order,
            limit: 7,
          });
          expect(got.map(idOf), c.name).toEqual(expected);
        }
      });

      it(`workflow executions: every filter, sort=${sort} order=${order}, walked in pages`, async () => {
        const api = apiClient(execlens.apiUrl);
        for (const c of [{ name: "no filter", query: {}, keep: () => true }, ...workflowCases()]) {
          const expected = expectedOrder(
            workflows.filter(c.keep),
            "wkex_id",
            "wkex_started_at",
            "wkex_total_duration_ms",
            sort,
            order,
          );
          const got = await allPages<Item>(api, "/api/workflow-executions", {
            ...c.query,
            sort,
            order,
            limit: 5,
          });
          expect(got.map(idOf), c.name).toEqual(expected);
        }
      });
    }
  }

  it("walking all pages while new executions are ingested returns every pre-existing row exactly once", async () => {
    const api = apiClient(execlens.apiUrl);
    const before = new Set(skills.map((r) => r.exec_id as string));
    const newer = datasetSpans({ seed: 99, traces: 30, traceOffset: 10_000 });
    let ingesting = true;
    const ingest = (async () => {
      for (const spans of newer) {
        await writeChanges(execlens.database.db, mapSpans(spans));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      ingesting = false;
    })();
    const seen = new Map<string, number>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { body } = await api.get<{ items: Item[]; nextCursor: string | null }>("/api/skill-executions", {
        limit: 3,
        cursor,
      });
      for (const item of body.items) seen.set(idOf(item), (seen.get(idOf(item)) ?? 0) + 1);
      cursor = body.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    await ingest;
    expect(pages).toBeGreaterThan(10);
    expect(ingesting).toBe(false);
    for (const id of before) expect(seen.get(id), id).toBe(1);
  });

  it("answers 400 naming the bad parameter", async () => {
    const api = apiClient(execlens.apiUrl);
    const cases: Array<[Record<string, string>, string]> = [
      [{ limit: "0" }, "limit"],
      [{ limit: "10000" }, "limit"],
      [{ status: "exploded" }, "status"],
      [{ started_from: "yesterday" }, "started_from"],
      [{ sort: "name" }, "sort"],
      [{ cursor: "not-a-cursor" }, "cursor"],
    ];
    for (const [query, name] of cases) {
      const { status, body } = await api.get<{ error: string; message: string }>(
        "/api/skill-executions",
        query,
      );
      expect(status, name).toBe(400);
      expect(body.error).toBe("bad_request");
      expect(body.message).toContain(name);
    }
    const first = await api.get<{ nextCursor: string }>("/api/skill-executions", { limit: 1 });
    const mismatch = await api.get<{ message: string }>("/api/skill-executions", {
      cursor: first.body.nextCursor,
      sort: "duration",
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toContain("sort=started_at");
  });

  it("details: a skill execution, and a workflow execution with steps and skills in order", async () => {
    const api = apiClient(execlens.apiUrl);
    const skill = skills[0] as Row;
    const one = await api.get<Item & { skillName: string }>(`/api/skill-executions/${skill.exec_id}`);
    expect(one.status).toBe(200);
    expect(one.body.skillName).toBe(skill.exec_skill_name);
    const wf = workflows.find((w) => Number(w.wkex_total_steps) >= 2) as Row;
    for (const key of [wf.wkex_execution_id, wf.wkex_id] as string[]) {
      const detail = await api.get<{
        wkexId: string;
        progress: number;
        steps: { stepOrder: number }[];
        skills: { startedAt: string; workflowExecutionId: string }[];
      }>(`/api/workflow-executions/${key}`);
      expect(detail.status).toBe(200);
      expect(detail.body.wkexId).toBe(wf.wkex_id);
      expect(detail.body.steps.map((s) => s.stepOrder)).toEqual(
        Array.from({ length: Number(wf.wkex_total_steps) }, (_, i) => i + 1),
      );
      expect(detail.body.skills.length).toBe(skills.filter((s) => s.wkex_id === wf.wkex_id).length);
      const starts = detail.body.skills.map((s) => Date.parse(s.startedAt));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(detail.body.progress).toBe(
        wf.wkex_status === "completed"
          ? 100
          : (Number(wf.wkex_completed_steps) / Number(wf.wkex_total_steps)) * 100,
      );
    }
    expect((await api.get("/api/workflow-executions/nope")).status).toBe(404);
    expect((await api.get("/api/skill-executions/not-a-uuid")).status).toBe(404);
  });
});
