import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import type { JsonValue } from "../src/model/index.js";
import { progressOf, progressSql } from "../src/server/schemas.js";
import {
  ALL,
  getWorkflowExecution,
  type LlmCall,
  llmCalls,
  type SkillExecution,
  skillExecutions,
  type WorkflowExecution,
  type WorkflowExecutionDetail,
  type WorkflowStepExecution,
  workflowExecutions,
  workflowStepExecutions,
} from "../src/store/index.js";
import { encodeCursor } from "../src/store/read/keyset.js";
import { queryRows } from "../src/store/transaction.js";
import { apiClient } from "./helpers/api.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";

/*
 * The API's JSON is built by PostgreSQL. Each list, detail and seed endpoint is compared, parsed,
 * with what the serializer before it made of the same rows (drizzle rows mapped in JavaScript,
 * below: the oracle), over rows with nulls, JSON values, unicode, big numbers, and timestamps
 * with and without microseconds.
 */

// ---- the oracle: drizzle rows as the API showed them when Node serialised them ----

/** A row's properties under the API's names; `omit` ones gone. */
function renamed(row: object, rename: Record<string, string>, omit: readonly string[] = []) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (!omit.includes(key)) out[rename[key] ?? key] = value;
  return out;
}
const skillJson = (row: SkillExecution) => renamed(row, { wkexId: "workflowExecutionId" });
const workflowJson = (row: WorkflowExecution) => ({
  ...renamed(row, {}, ["spanReceived"]),
  progress: progressOf(row),
});
const stepJson = (row: WorkflowStepExecution) => renamed(row, {}, ["wkexId", "createdAt"]);
const llmCallJson = (row: LlmCall) => renamed(row, { wkexId: "workflowExecutionId" }, ["step"]);
const detailJson = (detail: WorkflowExecutionDetail) => ({
  ...workflowJson(detail.workflow),
  steps: detail.steps.map(stepJson),
  skills: detail.skills.map(skillJson),
  llmCalls: detail.llmCalls.map(llmCallJson),
});
const workerStatus = (row: SkillExecution) => ({
  executionId: row.execId,
  skillId: row.skillId,
  skillName: row.skillName,
  status: row.status,
  startedAt: row.startedAt,
  completedAt: row.completedAt,
  durationMs: row.durationMs,
  error: row.errorMessage,
  input: row.attributes.input_data,
  output: row.attributes.output_data,
});
const workflowStatus = (w: WorkflowExecution) => ({
  executionId: w.executionId,
  workflowId: w.workflowId,
  workflowName: w.workflowName,
  status: w.status,
  progress: progressOf(w),
  currentStep: { id: w.currentStepId, order: w.currentStepOrder },
  completedSteps: w.completedSteps,
  totalSteps: w.totalSteps,
  startedAt: w.startedAt,
  completedAt: w.completedAt,
  durationMs: w.totalDurationMs,
  error:
    w.errorStep === null && w.errorMessage === null ? null : { step: w.errorStep, message: w.errorMessage },
});
const workflowDetailedStatus = (detail: WorkflowExecutionDetail) => ({
  ...workflowStatus(detail.workflow),
  steps: detail.steps.map((s) => ({
    stepId: s.stepId,
    order: s.stepOrder,
    status: s.status,
    startedAt: s.startedAt,
    completedAt: s.completedAt,
    durationMs: s.durationMs,
    error: s.errorMessage,
    output: s.attributes.output,
  })),
  skills: detail.skills.map(workerStatus),
  initialInput: detail.workflow.attributes.initial_input,
  intermediateResults: detail.workflow.attributes.intermediate_results,
  finalOutput: detail.workflow.attributes.final_output,
});
/** What JSON makes of a value: undefined properties gone, non-finite numbers null. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

// ---- the rows ----

const uuid = (group: string, n: number) => `${group}-0000-7000-8000-${String(n).padStart(12, "0")}`;
const W = (n: number) => uuid("0000000a", n);
const S = (n: number) => uuid("0000000b", n);
const odd = {
  text: 'quote " backslash \\ newline \n tab \t nul-free ünïcödé 日本語 🙂 \u2028',
  big: 2 ** 60,
  small: 1e-7,
  precise: 0.1,
  negative: -12.5e300,
  nested: { list: [1, "two", null, true, { deep: [] }], empty: {} },
};
const at = (micros: string) => `2030-01-01T08:15:${micros}Z`;

const workflows = [
  {
    wkexId: W(1),
    executionId: "run-ünï-1",
    workflowId: uuid("0000000c", 1),
    workflowName: "Résumé 🙂",
    companionId: uuid("0000000d", 1),
    userId: uuid("0000000e", 1),
    organizationId: uuid("0000000f", 1),
    sessionId: "sess-1",
    conversationId: "conv-1",
    status: "completed" as const,
    currentStepId: "s2",
    currentStepOrder: 2,
    totalSteps: 2,
    completedSteps: 2,
    startedAt: at("30.787716"),
    completedAt: at("31.000000"),
    totalDurationMs: 212,
    avgStepDurationMs: 1.1,
    errorMessage: null,
    errorStep: null,
    debugMode: true,
    logLevel: "debug",
    totalTokens: 9_007_199_254_740_991,
    costUsd: 12_345_678.12345678,
    attributes: {
      initial_input: odd,
      final_output: "done ✓",
      intermediate_results: { a: odd },
      ai_sdk_messages: [],
      ai_sdk_steps: [],
      ai_sdk_callbacks: {},
      execution_config: {},
      metadata: { cost: { model: "m" } },
    },
    traceId: "a".repeat(32),
    spanId: "b".repeat(16),
    spanReceived: true,
  },
  // mostly nulls; progress 1/16 = 6.25 %: JavaScript rounds the half up
  {
    wkexId: W(2),
    executionId: W(2),
    status: "running" as const,
    currentStepId: null,
    currentStepOrder: null,
    totalSteps: 16,
    completedSteps: 1,
    startedAt: at("30.100000"),
    errorStep: "s9",
  },
  {
    wkexId: W(3),
    executionId: "run-3",
    status: "failed" as const,
    totalSteps: 0,
    startedAt: at("32.000001"),
  },
  {
    wkexId: W(4),
    executionId: "run-4",
    status: "running" as const,
    totalSteps: 3,
    completedSteps: 2,
    errorMessage: "boom",
    startedAt: at("29.999999"),
  },
  {
    wkexId: W(5),
    executionId: "run-5",
    status: "running" as const,
    totalSteps: 3,
    completedSteps: 5,
    totalDurationMs: 5,
    startedAt: at("30.100000"),
  },
  { wkexId: W(6), executionId: "run-6", status: "pending" as const, totalSteps: null, startedAt: at("33.5") },
];

const skillAttributes = (input: JsonValue, output: JsonValue) => ({
  input_data: input,
  output_data: output,
  metadata: { odd },
});
const skills = [
  {
    execId: S(1),
    skillId: uuid("0000001c", 1),
    companionId: uuid("0000000d", 1),
    userId: uuid("0000000e", 1),
    organizationId: uuid("0000000f", 1),
    wkexId: W(1),
    skillName: "search ünï",
    status: "completed" as const,
    startedAt: at("30.787716"),
    completedAt: at("31.000000"),
    durationMs: 212,
    sessionId: "sess-1",
    conversationId: "conv-1",
    stepNumber: 1,
    errorMessage: null,
    attributes: skillAttributes(odd, [odd, null]),
    traceId: "a".repeat(32),
    spanId: "c".repeat(16),
  },
  // the same start as the first: the id breaks the tie
  {
    execId: S(2),
    wkexId: W(1),
    skillName: "tie",
    status: "failed" as const,
    startedAt: at("30.787716"),
    durationMs: 212,
    errorMessage: "line 1\nline 2 🙂",
    sessionId: "sess-1",
    attributes: skillAttributes(null, null),
  },
  { execId: S(3), skillName: "alone", startedAt: at("30.000000"), attributes: skillAttributes("x", 1.5) },
  {
    execId: S(4),
    wkexId: W(2),
    skillName: "later",
    status: "running" as const,
    startedAt: at("59.000001"),
    durationMs: 0,
    sessionId: "sess-1",
    // a number beyond a double's digits, as an app may send it
    attributes: sql`'{"input_data": {"big": 123456789012345678901234567890.5}, "output_data": "y", "metadata": {}}'::jsonb`,
  },
];

const steps = [
  {
    wstpId: uuid("0000002a", 1),
    wkexId: W(1),
    stepId: "s1",
    stepOrder: 1,
    status: "completed" as const,
    startedAt: at("30.787716"),
    completedAt: at("30.900000"),
    durationMs: 112,
    attributes: { input: odd, output: [odd], metadata: {} },
  },
  {
    wstpId: uuid("0000002a", 2),
    wkexId: W(1),
    stepId: null,
    stepOrder: null,
    status: "failed" as const,
    startedAt: at("30.000000"),
    errorMessage: "ünï",
    attributes: { input: null, output: null, metadata: {} },
  },
  {
    wstpId: uuid("0000002a", 3),
    wkexId: W(1),
    stepId: "s2",
    stepOrder: 2,
    status: "completed" as const,
    startedAt: at("30.900000"),
    attributes: { input: null, output: "two", metadata: {} },
  },
];

const llm = [
  {
    traceId: "a".repeat(32),
    spanId: "d".repeat(16),
    llmId: uuid("0000003a", 1),
    wkexId: W(1),
    execId: S(1),
    leaf: false,
    operation: "chat",
    provider: "openai",
    model: "gpt ünï",
    startedAt: at("30.800000"),
    completedAt: at("30.999999"),
    durationMs: 199,
    inputTokens: 2_147_483_647,
    outputTokens: 1,
    totalTokens: 12,
    costUsd: 0.1 + 0.2,
    costSource: "computed" as const,
    finishReason: "stop",
    step: { n: 1 },
    messages: [{ role: "user", content: odd.text }, odd],
  },
  {
    traceId: "a".repeat(32),
    spanId: "e".repeat(16),
    llmId: uuid("0000003a", 2),
    operation: "embed",
    startedAt: at("30.800000"),
    completedAt: at("30.800000"),
    durationMs: 0,
    errorMessage: "rate limited",
  },
];

describeEachDatabase("JSON built by PostgreSQL equals the rows serialised in Node", (kind) => {
  const execlens = useExeclens(kind);
  const api = () => apiClient(execlens.apiUrl);
  let skillRows: SkillExecution[];
  let workflowRows: WorkflowExecution[];
  let llmRows: LlmCall[];

  beforeAll(async () => {
    const db = execlens.database.db;
    await db.insert(workflowExecutions).values(workflows);
    await db.insert(skillExecutions).values(skills);
    await db.insert(workflowStepExecutions).values(steps);
    await db.insert(llmCalls).values(llm);
    skillRows = await db.select().from(skillExecutions);
    workflowRows = await db.select().from(workflowExecutions);
    llmRows = await db.select().from(llmCalls);
  });

  /** The workflow execution with the rows under it, as the store's row reader finds them. */
  const detailOf = async (row: WorkflowExecution) =>
    (await getWorkflowExecution(execlens.database.db, ALL, row.wkexId)) as WorkflowExecutionDetail;

  /** Every page of a list, two rows a page, each compared with the oracle's page. */
  async function expectPages<Row>(
    path: string,
    rows: Row[],
    keys: { id: keyof Row; started: keyof Row; duration: keyof Row },
    json: (row: Row) => unknown,
  ) {
    for (const sort of ["started_at", "duration"] as const) {
      for (const order of ["desc", "asc"] as const) {
        // timestamps of one format: their text order is their time order; ids too
        const key = (row: Row) => [row[sort === "duration" ? keys.duration : keys.started], row[keys.id]];
        const before = (a: Row, b: Row) => {
          const [x, y] = [key(a), key(b)] as [unknown[], unknown[]];
          return (
            (x[0] as number) < (y[0] as number) || (x[0] === y[0] && (x[1] as string) < (y[1] as string))
          );
        };
        const sorted = rows
          .filter((row) => sort !== "duration" || row[keys.duration] !== null)
          .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
        if (order === "desc") sorted.reverse();
        let cursor: string | undefined;
        for (let start = 0; start < sorted.length || start === 0; start += 2) {
          const page = sorted.slice(start, start + 2);
          const last = page.at(-1) as Row;
          const expected = {
            items: page.map(json),
            nextCursor:
              start + 2 < sorted.length
                ? encodeCursor({
                    s: sort,
                    o: order,
                    v: sort === "duration" ? (last[keys.duration] as number) : (last[keys.started] as string),
                    id: last[keys.id] as string,
                  })
                : null,
          };
          const { status, body } = await api().get(path, { sort, order, limit: 2, cursor });
          expect(status, `${path} ${sort} ${order} from ${start}`).toBe(200);
          expect(body, `${path} ${sort} ${order} from ${start}`).toStrictEqual(asJson(expected));
          cursor = expected.nextCursor ?? undefined;
        }
      }
    }
  }

  it("lists skill executions, workflow executions and model requests as before, cursors included", async () => {
    await expectPages(
      "/api/skill-executions",
      skillRows,
      { id: "execId", started: "startedAt", duration: "durationMs" },
      skillJson,
    );
    await expectPages(
      "/api/workflow-executions",
      workflowRows,
      { id: "wkexId", started: "startedAt", duration: "totalDurationMs" },
      workflowJson,
    );
    await expectPages(
      "/api/llm-calls",
      llmRows,
      { id: "llmId", started: "startedAt", duration: "durationMs" },
      llmCallJson,
    );
  });

  it("answers each skill execution and workflow execution detail as before", async () => {
    for (const row of skillRows) {
      const { status, body } = await api().get(`/api/skill-executions/${row.execId.toUpperCase()}`);
      expect(status).toBe(200);
      expect(body).toStrictEqual(asJson(skillJson(row)));
    }
    for (const row of workflowRows) {
      const detail = await detailOf(row);
      const { status, body } = await api().get(
        `/api/workflow-executions/${encodeURIComponent(row.executionId)}`,
      );
      expect(status).toBe(200);
      expect(body).toStrictEqual(asJson(detailJson(detail)));
    }
    expect((await api().get(`/api/skill-executions/${S(99)}`)).status).toBe(404);
    expect((await api().get("/api/workflow-executions/none")).status).toBe(404);
  });

  it("answers the seed endpoints as before", async () => {
    for (const row of skillRows) {
      const { status, body } = await api().get("/api/workers/execute", { executionId: row.execId });
      expect(status).toBe(200);
      expect(body).toStrictEqual(asJson(workerStatus(row)));
    }
    const session = skillRows
      .filter((row) => row.sessionId === "sess-1")
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.execId.localeCompare(a.execId));
    expect(session).toHaveLength(3);
    expect((await api().get("/api/workers/execute", { sessionId: "sess-1" })).body).toStrictEqual(
      asJson({ executions: session.map(workerStatus) }),
    );
    expect((await api().get("/api/workers/execute", { sessionId: "none" })).body).toStrictEqual({
      executions: [],
    });
    for (const row of workflowRows) {
      const detail = await detailOf(row);
      const execute = await api().get("/api/workflows/execute", { executionId: row.wkexId });
      expect(execute.status).toBe(200);
      expect(execute.body).toStrictEqual(asJson(workflowStatus(row)));
      const detailed = await api().get("/api/workflows/status", { executionId: row.executionId });
      expect(detailed.status).toBe(200);
      expect(detailed.body).toStrictEqual(asJson(workflowDetailedStatus(detail)));
    }
    expect((await api().get("/api/workflows/status", { executionId: "none" })).status).toBe(404);
  });

  it("computes progress in SQL as progressOf does, halves rounded up", async () => {
    expect(progressOf({ status: "running", totalSteps: 16, completedSteps: 1 })).toBe(6.3);
    const grid: Array<[string, number | null, number | null]> = [
      ["completed", 0, 0],
      ["running", null, 1],
    ];
    for (let total = 0; total <= 64; total++) {
      for (let completed = 0; completed <= total + 1; completed++) grid.push(["running", total, completed]);
    }
    const values = sql.join(
      grid.map(([status, total, completed]) => sql`(${status}, ${total}::integer, ${completed}::integer)`),
      sql`, `,
    );
    const rows = await queryRows<{ progress: number | null }>(
      execlens.database.db,
      sql`SELECT ${progressSql} AS progress
        FROM (VALUES ${values}) AS "WorkflowExecutions"(wkex_status, wkex_total_steps, wkex_completed_steps)`,
    );
    expect(rows.map((row) => row.progress)).toStrictEqual(
      grid.map(([status, totalSteps, completedSteps]) =>
        progressOf({ status: status as "running", totalSteps, completedSteps }),
      ),
    );
  });
});
