import { afterAll, beforeAll, expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import { newAccessKey, parseAccessKeys, sourceIdToUuid } from "../src/model/index.js";
import { writeChanges } from "../src/store/index.js";
import { allPages, apiClient } from "./helpers/api.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { BASE_MS, ingestDataset } from "./helpers/dataset.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { type Row, skillRows, workflowRows } from "./helpers/rows.js";
import { span } from "./helpers/spans.js";

const keyA = newAccessKey(["org-a"]);
const keyB = newAccessKey(["org-b"]);
const admin = newAccessKey([]);
const ORG_A = sourceIdToUuid("org-a");

describeEachDatabase("tenancy", (kind) => {
  let execlens: TestExeclens;
  let workflows: Row[];
  let skills: Row[];
  beforeAll(async () => {
    execlens = await startTestExeclens(kind, {
      apiKeys: parseAccessKeys([keyA.entry, keyB.entry, admin.entry].join(";")),
    });
    await ingestDataset(execlens.database.db, { seed: 5, traces: 30 });
    // a model request in each workflow execution
    await writeChanges(
      execlens.database.db,
      mapSpans(
        Array.from({ length: 30 }, (_, i) =>
          span({
            traceId: (i + 1).toString(16).padStart(32, "0").replace(/^0/, "a"),
            spanId: "00000000000000c1",
            parentSpanId: "0000000000000001",
            name: "chat",
            startMs: BASE_MS + i,
            endMs: BASE_MS + i + 50,
            attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o" },
          }),
        ),
      ),
    );
    workflows = await workflowRows(execlens.database.db);
    skills = await skillRows(execlens.database.db);
  });
  afterAll(async () => {
    await execlens?.stop();
  });

  const ofA = (r: Row) => r.organization_id === ORG_A;
  const workflowOfB = () => workflows.find((w) => w.organization_id === sourceIdToUuid("org-b")) as Row;

  it("refuses requests without a valid key, but not health", async () => {
    expect((await apiClient(execlens.apiUrl).get("/api/skill-executions")).status).toBe(401);
    const wrong = await apiClient(execlens.apiUrl, "elk_wrong").get<{ error: string }>(
      "/api/skill-executions",
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("unauthorized");
    expect((await apiClient(execlens.apiUrl).get("/healthz")).status).toBe(200);
    expect((await apiClient(execlens.apiUrl).get("/readyz")).status).toBe(200);
  });

  it("lists only the key's organisation's rows", async () => {
    const api = apiClient(execlens.apiUrl, keyA.key);
    const listedSkills = await allPages<{ execId: string }>(api, "/api/skill-executions", { limit: 50 });
    const wkexOfA = new Set(workflows.filter(ofA).map((w) => w.wkex_id));
    const expectedSkills = skills.filter((s) => ofA(s) || wkexOfA.has(s.wkex_id)).map((s) => s.exec_id);
    expect(listedSkills.map((s) => s.execId).sort()).toEqual([...expectedSkills].sort() as string[]);
    const listedWorkflows = await allPages<{ wkexId: string; organizationId: string }>(
      api,
      "/api/workflow-executions",
      {},
    );
    expect(listedWorkflows.length).toBe(workflows.filter(ofA).length);
    expect(listedWorkflows.every((w) => w.organizationId === ORG_A)).toBe(true);
    const admins = await allPages(apiClient(execlens.apiUrl, admin.key), "/api/workflow-executions", {});
    expect(admins.length).toBe(workflows.length);
    const requests = await allPages<{ workflowExecutionId: string }>(api, "/api/llm-calls", { limit: 7 });
    expect(requests.length).toBe(workflows.filter(ofA).length);
    expect(requests.every((r) => wkexOfA.has(r.workflowExecutionId))).toBe(true);
    expect((await allPages(apiClient(execlens.apiUrl, admin.key), "/api/llm-calls", {})).length).toBe(30);
  });

  it("answers 403 to a filter on another organisation", async () => {
    for (const path of ["/api/workflow-executions", "/api/llm-calls"]) {
      const { status, body } = await apiClient(execlens.apiUrl, keyA.key).get<{ error: string }>(path, {
        organization_id: "org-b",
      });
      expect(status, path).toBe(403);
      expect(body.error).toBe("forbidden");
    }
  });

  it("never shows another organisation's execution: details, seed endpoints, SSE", async () => {
    const api = apiClient(execlens.apiUrl, keyA.key);
    const b = workflowOfB();
    const bSkill = skills.find((s) => s.wkex_id === b.wkex_id) as Row;
    for (const path of [
      `/api/workflow-executions/${b.wkex_execution_id}`,
      `/api/workflow-executions/${b.wkex_id}`,
      `/api/skill-executions/${bSkill.exec_id}`,
      `/api/workflow-executions/${b.wkex_execution_id}/events`,
    ]) {
      expect((await api.get(path)).status, path).toBe(404);
    }
    for (const path of ["/api/workflows/execute", "/api/workflows/status"]) {
      expect((await api.get(path, { executionId: b.wkex_execution_id as string })).status, path).toBe(404);
    }
    expect((await api.get("/api/workers/execute", { executionId: bSkill.exec_id as string })).status).toBe(
      404,
    );
    const session = await api.get<{ executions: Array<{ executionId: string }> }>("/api/workers/execute", {
      sessionId: bSkill.exec_session_id as string,
    });
    const visible = new Set(skills.filter((s) => ofA(s)).map((s) => s.exec_id));
    expect(session.body.executions.every((e) => visible.has(e.executionId))).toBe(true);
    // and B's own key does see it
    const asB = apiClient(execlens.apiUrl, keyB.key);
    expect((await asB.get(`/api/workflow-executions/${b.wkex_execution_id}`)).status).toBe(200);
  });

  it("counts only the key's organisation in stats", async () => {
    const window = {
      from: new Date(BASE_MS - 1000).toISOString(),
      to: new Date(BASE_MS + 4 * 86_400_000).toISOString(),
    };
    const { body } = await apiClient(execlens.apiUrl, keyA.key).get<{ workflows: Array<{ count: number }> }>(
      "/api/stats/workflows",
      window,
    );
    expect(body.workflows.reduce((n, w) => n + w.count, 0)).toBe(workflows.filter(ofA).length);
  });
});
