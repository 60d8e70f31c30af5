import { expect, it } from "vitest";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { skillRows, workflowRows } from "./helpers/rows.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

const HOUSE_PRICE = {
  provider: "house",
  model: "house-model",
  effectiveFrom: "2020-01-01",
  input: 2,
  output: 4,
};

describeEachDatabase("OpenTelemetry GenAI conventions", (kind) => {
  const execlens = useExeclens(kind, { prices: [HOUSE_PRICE] });

  it("invoke_agent is a workflow, execute_tool a skill, chat a model request; usage that wrappers repeat counts once", async () => {
    const chat = (input: number, output: number) => ({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "house",
      "gen_ai.request.model": "house-model",
      "gen_ai.usage.input_tokens": input,
      "gen_ai.usage.output_tokens": output,
    });
    const spans = await recordSpans((t) => {
      // the agent and the router repeat the usage of the requests below them
      const agent = t.start("invoke_agent support-agent", {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "support-agent",
        "gen_ai.agent.id": "agent-7",
        "gen_ai.conversation.id": "conversation-9",
        "gen_ai.usage.input_tokens": 3000,
        "gen_ai.usage.output_tokens": 300,
      });
      const router = t.start("chat router", chat(3000, 300), agent);
      t.start("chat house-model", chat(1000, 100), router).end();
      t.start("chat house-model", chat(2000, 200), router).end();
      router.end();
      t.start(
        "execute_tool lookup_order",
        {
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.tool.name": "lookup_order",
          "gen_ai.tool.call.id": "call-1",
          "gen_ai.tool.call.arguments": '{"order":42}',
          "gen_ai.tool.call.result": '{"status":"shipped"}',
        },
        agent,
      ).end();
      agent.end();
    });
    await exportWith(otlpExporter("protobuf", execlens.tracesUrl), spans);

    const [workflow] = (await workflowRows(execlens.database.db)).filter(
      (w) => w.wkex_workflow_name === "support-agent",
    );
    expect(workflow).toMatchObject({ wkex_status: "completed", wkex_conversation_id: "conversation-9" });
    expect(Number(workflow?.wkex_total_tokens)).toBe(3300);
    // 3000 input × 2 + 300 output × 4, per million
    expect(Number(workflow?.wkex_cost_usd)).toBeCloseTo(0.0072, 10);
    const attributes = workflow?.wkex_attributes as { ai_sdk_steps: unknown[]; metadata: { cost: unknown } };
    expect(attributes.ai_sdk_steps).toHaveLength(2);
    expect(attributes.metadata.cost).toMatchObject({
      totalTokens: 3300,
      inputTokens: 3000,
      llmCalls: 2,
      model: "house-model",
      models: ["house-model"],
    });

    const [skill] = (await skillRows(execlens.database.db, workflow?.wkex_trace_id as string)).filter(
      (s) => s.exec_skill_name === "lookup_order",
    );
    expect(skill?.wkex_id).toBe(workflow?.wkex_id);
    expect(skill?.exec_attributes).toMatchObject({
      input_data: { order: 42 },
      output_data: { status: "shipped" },
      metadata: { toolCallId: "call-1" },
    });
  });

  it("a model the price table does not know keeps its tokens, has no cost and is counted in /metrics", async () => {
    const spans = await recordSpans((t) => {
      const agent = t.start("invoke_agent", {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "unpriced",
      });
      t.start(
        "chat",
        {
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": "homegrown-llm",
          "gen_ai.usage.input_tokens": 70,
          "gen_ai.usage.output_tokens": 5,
        },
        agent,
      ).end();
      agent.end();
    });
    await exportWith(otlpExporter("json", execlens.tracesUrl), spans);
    const [workflow] = (await workflowRows(execlens.database.db)).filter(
      (w) => w.wkex_workflow_name === "unpriced",
    );
    expect(Number(workflow?.wkex_total_tokens)).toBe(75);
    expect(workflow?.wkex_cost_usd).toBeNull();
    const metrics = await (await fetch(`${execlens.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/execlens_model_requests_total\{model="homegrown-llm",priced="false"[^}]*\} 1/);
    expect(metrics).toMatch(/execlens_model_requests_total\{model="house-model",priced="true"[^}]*\} 3/);
  });
});
