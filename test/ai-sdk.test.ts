import { expect, it } from "vitest";
import { sourceIdToUuid } from "../src/model/index.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { llmCallRows, type Row, skillRows, workflowRows } from "./helpers/rows.js";
import { type AiSdkVariant, runAiSdkApp } from "./helpers/test-app.js";

const VARIANTS: AiSdkVariant[] = ["4", "5", "6", "7", "7-genai"];

describeEachDatabase("Vercel AI SDK telemetry, ai 4 to 7", (kind) => {
  const execlens = useExeclens(kind);

  it.each(VARIANTS)(
    "ai %s: generateText with two tool calls and streamText give one workflow each, a skill per tool call, tokens summed over the model requests",
    async (variant) => {
      const run = await runAiSdkApp(execlens.tracesUrl, variant, `${kind.name}-${variant}`);
      const workflows = await workflowRows(execlens.database.db);
      const generate = workflows.find((w) => w.wkex_workflow_name === run.generate.functionId);
      const stream = workflows.find((w) => w.wkex_workflow_name === run.stream.functionId);
      expect(generate, "generateText workflow").toBeDefined();
      expect(stream, "streamText workflow").toBeDefined();
      if (generate === undefined || stream === undefined) return;

      expect(generate.wkex_status).toBe("completed");
      expect(Number(generate.wkex_total_tokens)).toBe(run.generate.tokens);
      expect(Number(stream.wkex_total_tokens)).toBe(run.stream.tokens);

      const attributes = generate.wkex_attributes as Record<string, unknown> & {
        ai_sdk_steps: Array<Record<string, unknown>>;
        ai_sdk_messages: Array<Record<string, unknown>>;
        ai_sdk_callbacks: Record<string, Array<Record<string, unknown>>>;
        metadata: { cost: Record<string, unknown> };
      };
      expect(attributes.ai_sdk_steps.map((s) => s.stepId)).toEqual(["step-1", "step-2"]);
      expect(attributes.ai_sdk_steps[0]).toMatchObject({
        toolName: "weather",
        input: [{ city: "Lisbon" }, { city: "Porto" }],
      });
      expect(attributes.ai_sdk_steps[1]).toMatchObject({
        toolName: null,
        output: "Sunny in Lisbon, mild in Porto.",
      });
      expect(attributes.ai_sdk_steps.map((s) => s.tokens)).toEqual([1250, 1480]);
      expect(attributes.ai_sdk_messages[0]).toMatchObject({ role: "user" });
      expect(attributes.ai_sdk_messages.at(-1)).toMatchObject({
        role: "assistant",
        content: "Sunny in Lisbon, mild in Porto.",
      });
      expect(attributes.ai_sdk_callbacks.onStepStart?.map((c) => c.stepId)).toEqual(["step-1", "step-2"]);
      expect(attributes.ai_sdk_callbacks.onStepFinish?.map((c) => c.result)).toEqual(["success", "success"]);
      expect(attributes.ai_sdk_callbacks.onError).toEqual([]);

      // priced: gpt-4o-mini is in the shipped price table; the stream's model is not
      const calls = await llmCallRows(execlens.database.db, generate.wkex_id as string);
      expect(calls).toHaveLength(2);
      const cost = calls.reduce((sum, c) => sum + Number(c.cost_usd), 0);
      expect(cost).toBeGreaterThan(0);
      expect(Number(generate.wkex_cost_usd)).toBeCloseTo(cost, 8);
      expect(attributes.metadata.cost).toMatchObject({
        totalTokens: run.generate.tokens,
        currency: "USD",
        unpricedCalls: 0,
      });
      expect(stream.wkex_cost_usd).toBeNull();
      expect((stream.wkex_attributes as { metadata: { cost: unknown } }).metadata.cost).toMatchObject({
        totalTokens: run.stream.tokens,
        estimatedCost: null,
        unpricedCalls: 1,
      });

      const city = (s: Row) => (s.exec_attributes as { input_data: { city: string } }).input_data.city;
      // both tool calls start in the same millisecond: order them by input
      const skills = (await skillRows(execlens.database.db, generate.wkex_trace_id as string))
        .filter((s) => s.exec_skill_name === "weather")
        .sort((a, b) => city(a).localeCompare(city(b)));
      expect(skills).toHaveLength(2);
      for (const skill of skills) expect(skill.wkex_id).toBe(generate.wkex_id);
      expect(skills.map((s) => (s.exec_attributes as { input_data: unknown }).input_data)).toEqual([
        { city: "Lisbon" },
        { city: "Porto" },
      ]);
      expect(skills.map((s) => (s.exec_attributes as { output_data: unknown }).output_data)).toEqual([
        { city: "Lisbon", temperature: 21 },
        { city: "Porto", temperature: 18 },
      ]);

      // telemetry metadata (ai 4–6) or runtime context (ai 7; the GenAI integration sends it with
      // its runtimeContext option) fill the id columns
      expect(generate.user_id).toBe(sourceIdToUuid(run.ids.userId));
      expect(generate.companion_id).toBe(sourceIdToUuid(run.ids.companionId));
      expect(generate.wkex_session_id).toBe(run.ids.sessionId);
      for (const skill of skills) expect(skill.user_id).toBe(sourceIdToUuid(run.ids.userId));
    },
    90_000,
  );

  it.each(["5", "7-genai"] as const)(
    "ai %s inside a declared workflow: the calls fold into it (no workflow of their own), with their tokens and tool calls",
    async (variant) => {
      const run = await runAiSdkApp(execlens.tracesUrl, variant, `${kind.name}-${variant}-folded`, true);
      const workflows = await workflowRows(execlens.database.db);
      const names = workflows.map((w) => w.wkex_workflow_name);
      expect(names).not.toContain(run.generate.functionId);
      expect(names).not.toContain(run.stream.functionId);
      const declared = workflows.find((w) => w.wkex_workflow_name === run.workflowName);
      // with ai 5 the app also runs a generateObject and an embed
      const extra = variant === "5" ? [run.object.tokens, run.embed.tokens] : [];
      expect(Number(declared?.wkex_total_tokens)).toBe(
        [run.generate.tokens, run.stream.tokens, ...extra].reduce((a, b) => a + b, 0),
      );
      const attributes = declared?.wkex_attributes as { ai_sdk_steps: unknown[] };
      expect(attributes.ai_sdk_steps).toHaveLength(3 + extra.length);
      const skills = (await skillRows(execlens.database.db, declared?.wkex_trace_id as string)).filter(
        (s) => s.exec_skill_name === "weather",
      );
      expect(skills.map((s) => s.wkex_id)).toEqual([declared?.wkex_id, declared?.wkex_id]);
    },
    90_000,
  );

  it("ai 5: generateObject and embed are workflows too, with their object and their tokens", async () => {
    const run = await runAiSdkApp(execlens.tracesUrl, "5", `${kind.name}-5-object`);
    const workflows = await workflowRows(execlens.database.db);
    const object = workflows.find((w) => w.wkex_workflow_name === run.object.functionId);
    expect(object).toMatchObject({
      wkex_status: "completed",
      wkex_attributes: { final_output: run.object.value },
    });
    expect(Number(object?.wkex_total_tokens)).toBe(run.object.tokens);
    const embedding = workflows.find((w) => w.wkex_workflow_name === run.embed.functionId);
    expect(Number(embedding?.wkex_total_tokens)).toBe(run.embed.tokens);
    expect(Number(embedding?.wkex_cost_usd)).toBeGreaterThan(0);
  }, 90_000);
});
