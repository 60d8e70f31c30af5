/**
 * A workflow execution whose own span and every child are in one batch derives what it derives
 * from its children (progress, failed step, intermediate results, tokens, cost, ai_sdk_*,
 * performance, retrievals/guardrails/evaluations) in memory, from the batch's rows; otherwise
 * PostgreSQL derives it from the stored children. Both must give the same row: here the same
 * traces are written whole, and with the children first and the workflow spans after them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { decodeJsonRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { type AttributeValue, type Span, SpanKind } from "../src/model/index.js";
import { deriveInBatch } from "../src/store/batch-derivation.js";
import { writeChanges } from "../src/store/index.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";
import { datasetSpans } from "./helpers/dataset.js";
import { snapshot } from "./helpers/rows.js";
import { span } from "./helpers/spans.js";

const fixturesDir = new URL("./fixtures/families/", import.meta.url);

/** Every trace of the instrumentation-family fixtures, as the collector decodes them. */
function fixtureSpans(): Span[] {
  return readdirSync(fixturesDir)
    .filter((name) => name.endsWith(".otlp.json"))
    .flatMap((name) => decodeJsonRequest(readFileSync(new URL(name, fixturesDir), "utf8")).spans);
}

const TRACE = "5e1f00000000000000000000000000aa";
const at = Date.parse("2026-03-02T10:00:00Z");

/**
 * A declared workflow whose second step fails (its skill too), with model requests (one failing,
 * one answered from a prompt cache, the cost summing fractions), a cached db query, an HTTP call
 * and OpenInference retriever, guardrail and evaluator spans: every part of the derivation.
 */
function richTrace(): Span[] {
  let n = 0;
  const id = () => (++n).toString(16).padStart(16, "0");
  const s = (
    parent: string | undefined,
    name: string,
    offset: number,
    attributes: Record<string, AttributeValue>,
    error?: string,
    kind?: SpanKind,
  ) =>
    span({
      traceId: TRACE,
      spanId: id(),
      parentSpanId: parent,
      name,
      startMs: at + offset,
      endMs: at + offset + 40.25,
      attributes,
      error,
      kind,
    });
  const workflow = s(
    undefined,
    "workflow",
    0,
    {
      "workflow.name": "claims",
      "workflow.execution.id": "claims-1",
      "workflow.total_steps": 3,
      "organization.id": "org-a",
    },
    "claim rejected",
  );
  const spans = [workflow];
  for (const order of [1, 2]) {
    const failing = order === 2 ? "the model refused" : undefined;
    const step = s(
      workflow.spanId,
      `step ${order}`,
      order * 100,
      {
        "workflow.step.id": `step-${order}`,
        "workflow.step.order": order,
        "workflow.step.output": `{"n":${order}}`,
      },
      failing,
    );
    const skill = s(
      step.spanId,
      `skill ${order}`,
      order * 100 + 1,
      { "skill.name": `skill-${order}` },
      failing,
    );
    spans.push(step, skill);
    for (const call of [0, 1]) {
      spans.push(
        s(
          skill.spanId,
          "ai.generateText.doGenerate",
          order * 100 + 2 + call * 10,
          {
            "ai.model.id": call === 0 ? "gpt-4o-mini" : "gpt-4o",
            "gen_ai.system": "openai",
            "ai.usage.promptTokens": 1000 + order * 7 + call,
            "ai.usage.completionTokens": 33 * order + call,
            "ai.usage.cachedInputTokens": call === 1 ? 512 : 0,
            "ai.response.finishReason": call === 0 ? "stop" : "length",
            "ai.prompt.messages": JSON.stringify([{ role: "user", content: `question ${order}.${call}` }]),
            "ai.response.text": `answer ${order}.${call}`,
          },
          failing !== undefined && call === 1 ? "rate limited" : undefined,
        ),
      );
    }
    spans.push(
      s(
        skill.spanId,
        "SELECT claims",
        order * 100 + 30,
        { "db.system": "postgresql", "db.statement": "SELECT 1", "cache.hit": order === 1 },
        undefined,
        SpanKind.CLIENT,
      ),
      s(
        skill.spanId,
        "GET",
        order * 100 + 31,
        { "http.request.method": "GET", "url.full": "http://rules/x" },
        undefined,
        SpanKind.CLIENT,
      ),
      s(skill.spanId, "retrieve", order * 100 + 32, {
        "openinference.span.kind": "RETRIEVER",
        "input.value": `policy ${order}`,
      }),
      s(skill.spanId, "guard", order * 100 + 33, { "openinference.span.kind": "GUARDRAIL" }),
      s(skill.spanId, "judge", order * 100 + 34, { "openinference.span.kind": "EVALUATOR" }),
    );
  }
  return spans;
}

/** The trace's spans with its workflows' own spans (the roots and AI spans without a parent) held back. */
function childrenFirst(spans: readonly Span[]): [Span[], Span[]] {
  const roots = spans.filter((s) => s.parentSpanId === undefined || s.parentSpanId === "");
  return [spans.filter((s) => !roots.includes(s)), roots];
}

describeEachDatabase("workflow derivation in the batch", (kind) => {
  const whole = useOpenDatabase(kind);
  const split = useOpenDatabase(kind);

  it("derives the same rows in memory as PostgreSQL does from the stored children", async () => {
    const traces = [richTrace(), fixtureSpans(), ...datasetSpans({ seed: 5, traces: 12 })];
    for (const spans of traces) {
      await writeChanges(whole.handle.db, mapSpans(spans));
      const [children, roots] = childrenFirst(spans);
      await writeChanges(split.handle.db, mapSpans(children));
      await writeChanges(split.handle.db, mapSpans(roots));
    }
    const expected = await snapshot(split.handle.db);
    expect(await snapshot(whole.handle.db)).toEqual(expected);
    const rich = expected.workflows?.find((w) => w.wkex_execution_id === "claims-1");
    expect(rich).toMatchObject({ wkex_status: "failed", wkex_error_step: "step-2", wkex_completed_steps: 1 });
    const attributes = rich?.wkex_attributes as { metadata: Record<string, { count?: number }> } | undefined;
    const metadata = attributes?.metadata ?? {};
    expect(metadata.retrievals?.count).toBe(2);
    expect(metadata.guardrails?.count).toBe(2);
    expect(metadata.evaluations?.count).toBe(2);
    expect(metadata.performance).toEqual({ dbQueries: 2, apiCalls: 2, cacheHits: 3 });
  });

  it("a workflow span delivered again after its trace left the index keeps what its stored children give it", async () => {
    const db = whole.handle.db;
    const before = await snapshot(db);
    await db.execute(sql`DELETE FROM "SpanIndex" WHERE trace_id = decode(${TRACE}, 'hex')`);
    await db.execute(sql`DELETE FROM "TraceIndex" WHERE trace_id = decode(${TRACE}, 'hex')`);
    const [, roots] = childrenFirst(richTrace());
    await writeChanges(db, mapSpans(roots));
    expect(await snapshot(db)).toEqual(before);
  });
});

it("derives in memory only what JavaScript orders as PostgreSQL does", () => {
  const changes = mapSpans(richTrace());
  const [workflow] = changes.workflows;
  if (workflow === undefined) throw new Error("no workflow");
  const children = { steps: changes.steps, skills: [], llmCalls: [], clientCalls: [] };
  expect(deriveInBatch([workflow], children).get(workflow.wkexId)).toMatchObject({
    seen_steps: 2,
    completed_steps: 1,
    failed_step_id: "step-2",
  });
  const farFuture = changes.steps.map((s, i) =>
    i === 0 ? { ...s, startedAt: "+275760-09-13T00:00:00.000000Z" } : s,
  );
  expect(deriveInBatch([workflow], { ...children, steps: farFuture }).has(workflow.wkexId)).toBe(false);
});
