import { expect, it } from "vitest";
import { apiClient } from "./helpers/api.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { useFakeOpenAI } from "./helpers/fake-openai.js";
import { runFamilyApp } from "./helpers/families.js";

interface Workflow {
  wkexId: string;
  executionId: string;
  workflowName: string;
  status: string;
  totalTokens: number | null;
  traceId: string;
}
interface LlmCall {
  llmId: string;
  workflowExecutionId: string | null;
  model: string | null;
  operation: string;
  totalTokens: number;
  traceId: string;
}

/*
 * The OpenAI client instrumented by OpenLLMetry and by the OpenTelemetry contrib instrumentation,
 * no span of the app's own around the calls: every call is a trace of one model request, and
 * each is a workflow execution with that request (issue "Traces as real apps send them", 2).
 */
describeEachDatabase("a lone model request is a workflow execution", (kind) => {
  const execlens = useExeclens(kind);
  const openai = useFakeOpenAI();

  // OpenLLMetry makes no span for the embedding
  for (const [family, requests] of [
    ["openllmetry-openai", 3],
    ["otel-openai", 4],
  ] as const) {
    it(`${family}: each chat call (and embedding) is a workflow with one model request, in both lists`, async () => {
      const run = await runFamilyApp(family, execlens.otlpHttpUrl, openai.url, `single-${family}`);
      const api = apiClient(execlens.apiUrl);
      // three chat completions and one embedding, each its own trace
      expect(run.traceIds).toHaveLength(requests);
      const workflows = (
        await api.get<{ items: Workflow[] }>("/api/workflow-executions", { limit: 500 })
      ).body.items.filter((w) => run.traceIds.includes(w.traceId));
      expect(workflows).toHaveLength(requests);
      for (const workflow of workflows) {
        const detail = await api.get<Workflow & { llmCalls: LlmCall[] }>(
          `/api/workflow-executions/${workflow.executionId}`,
        );
        expect(detail.status).toBe(200);
        expect(detail.body.llmCalls).toHaveLength(1);
        const [call] = detail.body.llmCalls;
        expect(call?.workflowExecutionId).toBe(workflow.wkexId);
        expect(detail.body.status).toBe("completed");
        expect(detail.body.totalTokens).toBe(call?.totalTokens);
      }
      // named by operation and model
      expect(workflows.filter((w) => w.workflowName === "chat gpt-4o-mini")).toHaveLength(3);
      const calls = (
        await api.get<{ items: LlmCall[] }>("/api/llm-calls", { model: "gpt-4o-mini", limit: 500 })
      ).body.items.filter((c) => run.traceIds.includes(c.traceId));
      expect(calls).toHaveLength(3);
      for (const call of calls) expect(workflows.map((w) => w.wkexId)).toContain(call.workflowExecutionId);
      // the fake server's usage: 42 prompt + 7 completion tokens per chat call
      expect(calls.filter((c) => c.totalTokens === 49).length).toBeGreaterThanOrEqual(2);
    });
  }
});
