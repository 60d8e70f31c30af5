import SwaggerParser from "@apidevtools/swagger-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./helpers/api.js";
import { pglite } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

const ROUTES = [
  "get /healthz",
  "get /readyz",
  "get /api/skill-executions",
  "get /api/skill-executions/{id}",
  "get /api/workflow-executions",
  "get /api/workflow-executions/{executionId}",
  "get /api/workflow-executions/{executionId}/events",
  "get /api/llm-calls",
  "get /api/stats/skills",
  "get /api/stats/workflows",
  "get /api/workers/execute",
  "get /api/workflows/execute",
  "post /api/workflows/execute",
  "get /api/workflows/status",
];

describe("OpenAPI document and the seed's endpoints", () => {
  const execlens = useExeclens(pglite);
  let skillId: string;
  beforeAll(async () => {
    const spans = await recordSpans((t) => {
      const w = t.start("workflow", {
        "workflow.execution.id": "seed-1",
        "workflow.name": "seed",
        "workflow.total_steps": 2,
      });
      const s = t.start(
        "step",
        { "workflow.step.id": "s1", "workflow.step.order": 1, "workflow.step.output": '{"ok":1}' },
        w,
      );
      t.start(
        "skill",
        { "skill.name": "k", "skill.input": '{"q":1}', "skill.output": '{"r":2}', "session.id": "chat-1" },
        s,
      ).end();
      s.end();
      w.end();
    });
    await exportWith(otlpExporter("json", execlens.tracesUrl), spans);
    const list = await apiClient(execlens.apiUrl).get<{ items: Array<{ execId: string }> }>(
      "/api/skill-executions",
    );
    skillId = list.body.items[0]?.execId as string;
  });

  it("validates as OpenAPI 3 and lists every route", async () => {
    const { body } = await apiClient(execlens.apiUrl).get<{ paths: Record<string, Record<string, unknown>> }>(
      "/api/openapi.json",
    );
    await SwaggerParser.validate(structuredClone(body) as never);
    const listed = Object.entries(body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(listed.sort()).toEqual([...ROUTES].sort());
    const docs = await fetch(`${execlens.apiUrl}/api/docs`);
    expect(docs.headers.get("content-type")).toContain("text/html");
  });

  it("GET /api/workers/execute answers a skill execution's status", async () => {
    const api = apiClient(execlens.apiUrl);
    const one = await api.get("/api/workers/execute", { executionId: skillId });
    expect(one.body).toEqual({
      executionId: skillId,
      skillId: null,
      skillName: "k",
      status: "completed",
      startedAt: expect.any(String),
      completedAt: expect.any(String),
      durationMs: expect.any(Number),
      error: null,
      input: { q: 1 },
      output: { r: 2 },
    });
    const session = await api.get<{ executions: unknown[] }>("/api/workers/execute", { sessionId: "chat-1" });
    expect(session.body.executions).toHaveLength(1);
    expect((await api.get("/api/workers/execute")).status).toBe(400);
  });

  it("GET /api/workflows/execute and /api/workflows/status answer the workflow's status", async () => {
    const api = apiClient(execlens.apiUrl);
    const summary = await api.get("/api/workflows/execute", { executionId: "seed-1" });
    const expectedSummary = {
      executionId: "seed-1",
      workflowId: null,
      workflowName: "seed",
      status: "completed",
      progress: 100,
      currentStep: { id: "s1", order: 1 },
      completedSteps: 1,
      totalSteps: 2,
      startedAt: expect.any(String),
      completedAt: expect.any(String),
      durationMs: expect.any(Number),
      error: null,
    };
    expect(summary.body).toEqual(expectedSummary);
    const detailed = await api.get("/api/workflows/status", { executionId: "seed-1" });
    expect(detailed.body).toEqual({
      ...expectedSummary,
      steps: [
        {
          stepId: "s1",
          order: 1,
          status: "completed",
          startedAt: expect.any(String),
          completedAt: expect.any(String),
          durationMs: expect.any(Number),
          error: null,
          output: { ok: 1 },
        },
      ],
      skills: [expect.objectContaining({ skillName: "k", status: "completed" })],
      // the workflow span carries no input nor output: null, not an empty object
      initialInput: null,
      intermediateResults: { s1: { ok: 1 } },
      finalOutput: null,
    });
  });

  it("POST /api/workflows/execute is the app's: 405 with a message saying so", async () => {
    const response = await fetch(`${execlens.apiUrl}/api/workflows/execute`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    expect(((await response.json()) as { message: string }).message).toContain("belongs to your app");
  });

  it("answers unknown routes with a JSON 404 and never a stack trace", async () => {
    const { status, body } = await apiClient(execlens.apiUrl).get<{ error: string; message: string }>(
      "/api/nope",
    );
    expect(status).toBe(404);
    expect(body).toEqual({ error: "not_found", message: "no route for GET /api/nope" });
  });
});
