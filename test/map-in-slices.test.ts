import { describe, expect, it } from "vitest";
import { mapInSlices, SPANS_PER_SLICE } from "../src/ingest/map-in-slices.js";
import { mapSpans } from "../src/mappers/index.js";
import type { Span } from "../src/model/index.js";
import { span } from "./helpers/spans.js";

/** Traces of a workflow, a step, a skill and a model request, `count` of them (4 spans each). */
function traces(count: number): Span[] {
  const spans: Span[] = [];
  for (let t = 0; t < count; t++) {
    const traceId = t.toString(16).padStart(32, "0");
    const at = 1_767_225_600_000 + t * 100;
    const id = (n: number) => `${t.toString(16).padStart(12, "0")}000${n}`;
    spans.push(
      span({
        traceId,
        spanId: id(1),
        name: "wf",
        startMs: at,
        endMs: at + 50,
        attributes: { "workflow.name": "w", "workflow.execution.id": `run-${t}` },
      }),
      span({
        traceId,
        spanId: id(2),
        parentSpanId: id(1),
        name: "step",
        startMs: at + 1,
        endMs: at + 40,
        attributes: { "workflow.step.id": "s", "workflow.step.order": 1 },
      }),
      span({
        traceId,
        spanId: id(3),
        parentSpanId: id(2),
        name: "skill",
        startMs: at + 2,
        endMs: at + 30,
        attributes: { "skill.name": `k-${t % 3}`, "skill.input": '{"q":1}' },
      }),
      span({
        traceId,
        spanId: id(4),
        parentSpanId: id(3),
        name: "ai.generateText.doGenerate",
        startMs: at + 3,
        endMs: at + 20,
        attributes: {
          "ai.model.id": "gpt-4o-mini",
          "ai.usage.promptTokens": 10 + t,
          "ai.usage.completionTokens": 5,
        },
      }),
    );
  }
  return spans;
}

describe("mapping a request in slices", () => {
  it("gives the changes of mapping it at once, a span repeated across slices kept once", async () => {
    const spans = traces(60);
    expect(spans.length).toBeGreaterThan(3 * SPANS_PER_SLICE);
    const request = [...spans, spans[5] as Span, spans[130] as Span];
    const sliced = await mapInSlices(request, {});
    expect(sliced).toEqual(mapSpans(request));
    expect(sliced.skills).toHaveLength(60);
    expect(sliced.nodes).toHaveLength(240);
  });

  it("knows the whole request in every slice: a trace cut by a slice's end still finds its workflow", async () => {
    // children before parents, as exporters send spans (as they end), and two spans first so that
    // slices end between a trace's skill and its step
    const plain = (n: number) =>
      span({ traceId: "f".repeat(32), spanId: `${n}`.repeat(16), name: "GET /", startMs: 1, endMs: 2 });
    const request = [plain(1), plain(2), ...traces(60).reverse()];
    const sliced = await mapInSlices(request, {});
    expect(sliced).toEqual(mapSpans(request));
    // every model request is under its trace's workflow: none can become a workflow of its own
    expect(sliced.llmCalls).toHaveLength(60);
    expect(sliced.candidates).toEqual([]);
  });
});
