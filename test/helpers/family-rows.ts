/**
 * What every instrumentation family's weather scenario must store (test/fixtures/families/NOTES.md):
 * one workflow per trace, a skill per tool call with its input and output, a "LlmCalls" row per
 * model request with model, tokens, cost and the message text; read through the API and the store.
 */
import { expect } from "vitest";
import { allPages, apiClient } from "./api.js";
import type { TestExeclens } from "./execlens.js";
import { FAKE_ANSWER } from "./fake-openai.js";
import { skillRows } from "./rows.js";

export interface ApiWorkflow {
  wkexId: string;
  workflowName: string;
  status: string;
  traceId: string;
  totalTokens: number | null;
  costUsd: number | null;
  sessionId: string | null;
  attributes: { metadata: Record<string, unknown>; ai_sdk_messages: unknown[] };
}

export interface ApiLlmCall {
  llmId: string;
  traceId: string;
  workflowExecutionId: string | null;
  operation: string;
  provider: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number | null;
  costSource: "reported" | "computed" | null;
  finishReason: string | null;
  messages: unknown[] | null;
}

export interface FamilyExpectation {
  /** Workflow executions per trace (1 unless a trace holds several unrelated calls). */
  readonly workflowsPerTrace?: number;
  readonly tools: ReadonlyArray<{ readonly name: string; readonly input: unknown; readonly output: unknown }>;
  /** Model requests in all, and how many carry the scenario's usage (42 in, 7 out) and a cost. */
  readonly requests: number;
  readonly priced: number;
  readonly model: RegExp;
  readonly costSource: "reported" | "computed";
  /** The requests' messages hold the question and the answer (false: the family sends no content on spans). */
  readonly messages: boolean;
}

export interface FamilyRows {
  readonly workflows: ApiWorkflow[];
  readonly calls: ApiLlmCall[];
}

export async function expectFamilyRows(
  execlens: TestExeclens,
  traceIds: readonly string[],
  expected: FamilyExpectation,
): Promise<FamilyRows> {
  const api = apiClient(execlens.apiUrl);
  const ours = <T extends { traceId: string }>(items: T[]) =>
    items.filter((i) => traceIds.includes(i.traceId));
  const workflows = ours(await allPages<ApiWorkflow>(api, "/api/workflow-executions", { limit: 500 }));
  for (const traceId of traceIds) {
    expect(
      workflows.filter((w) => w.traceId === traceId),
      `workflows of trace ${traceId}`,
    ).toHaveLength(expected.workflowsPerTrace ?? 1);
  }
  expect(workflows.every((w) => w.status === "completed")).toBe(true);
  const workflowIds = workflows.map((w) => w.wkexId);

  const skills = (await Promise.all(traceIds.map((t) => skillRows(execlens.database.db, t)))).flat();
  expect(skills.map((s) => s.exec_skill_name)).toEqual(expected.tools.map((t) => t.name));
  for (const [i, tool] of expected.tools.entries()) {
    expect(skills[i]?.exec_attributes).toMatchObject({ input_data: tool.input, output_data: tool.output });
    expect(workflowIds).toContain(skills[i]?.wkex_id);
  }

  const calls = ours(await allPages<ApiLlmCall>(api, "/api/llm-calls", { limit: 500 }));
  expect(calls).toHaveLength(expected.requests);
  for (const call of calls) {
    expect(workflowIds).toContain(call.workflowExecutionId);
    expect(call.model).toMatch(expected.model);
  }
  const priced = calls.filter((c) => c.inputTokens === 42 && c.outputTokens === 7);
  expect(priced).toHaveLength(expected.priced);
  for (const call of priced) {
    expect(call.totalTokens).toBe(49);
    expect(call.costUsd).toBeGreaterThan(0);
    expect(call.costSource).toBe(expected.costSource);
  }
  const text = JSON.stringify(calls.map((c) => c.messages));
  if (expected.messages) {
    expect(text).toContain("What is the weather in Paris?");
    expect(text).toContain(FAKE_ANSWER);
  } else {
    expect(calls.every((c) => c.messages === null)).toBe(true);
  }
  return { workflows, calls };
}
