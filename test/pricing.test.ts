import { describe, expect, it } from "vitest";
import { DEFAULT_PRICES, type ModelPrice, mapSpans } from "../src/mappers/index.js";
import type { AttributeValue } from "../src/model/index.js";
import { span } from "./helpers/spans.js";

const TRACE = "0af7651916cd43dd8448eb211c80319c";

/** One model request (a GenAI chat span) at `day` with these attributes. */
function modelRequest(day: string, attributes: Record<string, AttributeValue>, index = 1) {
  const start = Date.parse(`${day}T12:00:00Z`);
  return span({
    traceId: TRACE,
    spanId: index.toString(16).padStart(16, "0"),
    name: "chat",
    startMs: start,
    endMs: start + 800,
    attributes: { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "test", ...attributes },
  });
}

const usage = (input: number, output: number) => ({
  "gen_ai.usage.input_tokens": input,
  "gen_ai.usage.output_tokens": output,
});

describe("cost of a model request", () => {
  it("prices plain input, cached input, plain output and reasoning each at its own price", () => {
    const prices: ModelPrice[] = [
      {
        provider: "test",
        model: "test-reasoner",
        effectiveFrom: "2025-01-01",
        input: 1,
        cachedInput: 0.1,
        output: 2,
        reasoning: 5,
      },
    ];
    const [call] = mapSpans(
      [
        modelRequest("2025-03-01", {
          "gen_ai.request.model": "test-reasoner",
          ...usage(1000, 300),
          "gen_ai.usage.cache_read.input_tokens": 400,
          "gen_ai.usage.reasoning.output_tokens": 100,
        }),
      ],
      { prices },
    ).llmCalls;
    // 600 plain input × 1 + 400 cached × 0.1 + 200 plain output × 2 + 100 reasoning × 5, per million
    expect(call?.costUsd).toBeCloseTo((600 + 40 + 400 + 500) / 1e6, 12);
    expect(call).toMatchObject({
      inputTokens: 1000,
      cachedInputTokens: 400,
      outputTokens: 300,
      reasoningTokens: 100,
    });
  });

  it("uses the price in effect on the day of the request", () => {
    const prices: ModelPrice[] = [
      { provider: "test", model: "test-model", effectiveFrom: "2025-01-01", input: 1, output: 1 },
      { provider: "test", model: "test-model", effectiveFrom: "2025-06-01", input: 3, output: 3 },
    ];
    const calls = mapSpans(
      [
        modelRequest("2025-05-31", { "gen_ai.request.model": "test-model", ...usage(1000, 0) }, 1),
        modelRequest("2025-06-01", { "gen_ai.request.model": "test-model", ...usage(1000, 0) }, 2),
        modelRequest("2024-12-31", { "gen_ai.request.model": "test-model", ...usage(1000, 0) }, 3),
      ],
      { prices },
    ).llmCalls;
    expect(calls.map((c) => c.costUsd)).toEqual([0.001, 0.003, null]);
  });

  it("shipped prices: dated model ids by prefix, the longest prefix first, and o3's price cut of 2025-06-10", () => {
    const calls = mapSpans([
      modelRequest("2025-09-01", { "gen_ai.response.model": "gpt-4o-2024-08-06", ...usage(1_000_000, 0) }, 1),
      modelRequest(
        "2025-09-01",
        { "gen_ai.response.model": "gpt-4o-mini-2024-07-18", ...usage(1_000_000, 0) },
        2,
      ),
      modelRequest("2025-05-01", { "gen_ai.request.model": "openai/o3", ...usage(1_000_000, 0) }, 3),
      modelRequest("2025-07-01", { "gen_ai.request.model": "o3", ...usage(1_000_000, 0) }, 4),
    ]).llmCalls;
    const listed = (model: string, at: string) =>
      DEFAULT_PRICES.filter((p) => p.model === model && p.effectiveFrom <= at).at(-1)?.input;
    expect(calls.map((c) => c.costUsd)).toEqual([
      listed("gpt-4o", "2025-09-01"),
      listed("gpt-4o-mini", "2025-09-01"),
      listed("o3", "2025-05-01"),
      listed("o3", "2025-07-01"),
    ]);
    expect(calls[2]?.costUsd).not.toBe(calls[3]?.costUsd);
  });

  it("an unknown model keeps its tokens and has no cost", () => {
    const [call] = mapSpans([
      modelRequest("2025-09-01", { "gen_ai.request.model": "homegrown-llm", ...usage(500, 20) }),
    ]).llmCalls;
    expect(call).toMatchObject({ totalTokens: 520, costUsd: null, model: "homegrown-llm" });
  });
});

describe("usage keys", () => {
  const tokensOf = (attributes: Record<string, AttributeValue>) =>
    mapSpans([modelRequest("2025-09-01", attributes)]).llmCalls[0];

  it("reads every variant the AI SDK majors and the GenAI conventions have used", () => {
    expect(tokensOf({ "ai.usage.promptTokens": 10, "ai.usage.completionTokens": 5 })).toMatchObject({
      inputTokens: 10,
      outputTokens: 5,
      totalTokens: 15,
    });
    expect(
      tokensOf({
        "ai.usage.inputTokens": 30,
        "ai.usage.outputTokens": 12,
        "ai.usage.totalTokens": 42,
        "ai.usage.inputTokenDetails.cacheReadTokens": 6,
        "ai.usage.inputTokenDetails.cacheWriteTokens": 2,
        "ai.usage.outputTokenDetails.reasoningTokens": 4,
      }),
    ).toMatchObject({
      inputTokens: 30,
      cachedInputTokens: 6,
      cacheWriteTokens: 2,
      reasoningTokens: 4,
      totalTokens: 42,
    });
    expect(
      tokensOf({ "ai.usage.cachedInputTokens": 3, "ai.usage.reasoningTokens": 2, ...usage(9, 7) }),
    ).toMatchObject({
      cachedInputTokens: 3,
      reasoningTokens: 2,
    });
    expect(
      tokensOf({ "gen_ai.usage.prompt_tokens": 100, "gen_ai.usage.completion_tokens": 7 }),
    ).toMatchObject({
      inputTokens: 100,
      outputTokens: 7,
      totalTokens: 107,
    });
  });

  it("a span with the deprecated gen_ai.system and no operation name is a model request", () => {
    const changes = mapSpans([
      span({
        traceId: TRACE,
        spanId: "00000000000000aa",
        name: "openai.chat",
        startMs: Date.parse("2025-09-01T00:00:00Z"),
        endMs: Date.parse("2025-09-01T00:00:01Z"),
        attributes: {
          "gen_ai.system": "openai",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.usage.prompt_tokens": 1000,
          "gen_ai.usage.completion_tokens": 100,
        },
      }),
    ]);
    expect(changes.llmCalls[0]).toMatchObject({ provider: "openai", totalTokens: 1100 });
    expect(changes.llmCalls[0]?.costUsd).toBeGreaterThan(0);
  });
});
