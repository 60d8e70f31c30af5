/**
 * A workflow execution whose own span and every child are in one batch derives what it derives
 * from its children (progress, failed step, intermediate results, tokens, cost, ai_sdk_*,
 * performance, retrievals/guardrails/evaluations) in memory, from the batch's rows; otherwise
 * PostgreSQL derives it from the stored children. Both must give the same row: here the same
 * traces are written whole, and with the children first and the workflow spans after them. A
 * skill's performance and cost likewise: written whole, and with the skill spans last.
 */
import { readdirSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { decodeJsonRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { type AttributeValue, type Span, SpanKind } from "../src/model/index.js";
import { deriveInBatch, roundedAsNumeric } from "../src/store/batch-derivation.js";
import { type Database, writeChanges } from "../src/store/index.js";
import { deriveSkillsInBatch } from "../src/store/skill-derivation.js";
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

/** The traces both derivations are compared on. */
const traces = () => [richTrace(), fixtureSpans(), ...datasetSpans({ seed: 5, traces: 12 })];

/** The stored text of a metadata number of each skill that has it (PostgreSQL keeps a numeric's scale). */
async function storedNumbers(db: Database, path: string): Promise<Map<string, string>> {
  const { rows } = (await db.execute(
    sql`SELECT exec_span_id AS span, exec_attributes #>> ${path}::text[] AS n FROM "SkillExecutions"
        WHERE exec_attributes #>> ${path}::text[] IS NOT NULL`,
  )) as unknown as { rows: Array<{ span: string; n: string }> };
  return new Map(rows.map((r) => [r.span, r.n]));
}

describeEachDatabase("workflow derivation in the batch", (kind) => {
  const whole = useOpenDatabase(kind);
  const split = useOpenDatabase(kind);
  const skillsLast = useOpenDatabase(kind);

  it("derives the same rows in memory as PostgreSQL does from the stored children", async () => {
    for (const spans of traces()) {
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

  it("derives a skill's performance and cost in memory as PostgreSQL does from the stored calls", async () => {
    const db = skillsLast.handle.db;
    for (const spans of traces()) {
      const skills = new Set(mapSpans(spans).skills.map((s) => s.spanId));
      await writeChanges(db, mapSpans(spans.filter((s) => !skills.has(s.spanId))));
      await writeChanges(db, mapSpans(spans.filter((s) => skills.has(s.spanId))));
    }
    const expected = await snapshot(db);
    expect((await snapshot(whole.handle.db)).skills).toEqual(expected.skills);
    const derived = expected.skills?.filter((k) => {
      const { metadata } = k.exec_attributes as { metadata: Record<string, unknown> };
      return metadata.performance !== undefined && metadata.cost !== undefined;
    });
    expect(derived?.length).toBeGreaterThan(1);
    // both ways ran: the batch writes the same numbers without the scale PostgreSQL's numerics keep
    const dbTime = "{metadata,performance,dbQueryTime}";
    const cost = "{metadata,cost,estimatedCost}";
    const [inMemory, inDatabase] = [
      await storedNumbers(whole.handle.db, dbTime),
      await storedNumbers(db, dbTime),
    ];
    expect(inMemory.size).toBeGreaterThan(1);
    expect([...inMemory.values()]).toContain("40.25");
    expect([...inDatabase.values()]).toContain("40.250");
    const [costInMemory, costInDatabase] = [
      await storedNumbers(whole.handle.db, cost),
      await storedNumbers(db, cost),
    ];
    expect([...costInMemory.keys()].sort()).toEqual([...costInDatabase.keys()].sort());
    for (const [span, n] of costInMemory) expect(Number(n)).toBe(Number(costInDatabase.get(span)));
  });

  it("a skill span delivered again after its trace left the index keeps what its stored calls give it", async () => {
    const db = whole.handle.db;
    const before = await snapshot(db);
    await db.execute(sql`DELETE FROM "SpanIndex" WHERE trace_id = decode(${TRACE}, 'hex')`);
    await db.execute(sql`DELETE FROM "TraceIndex" WHERE trace_id = decode(${TRACE}, 'hex')`);
    const spans = richTrace();
    const skills = new Set(mapSpans(spans).skills.map((s) => s.spanId));
    await writeChanges(db, mapSpans(spans.filter((s) => skills.has(s.spanId))));
    expect(await snapshot(db)).toEqual(before);
  });

  it("rounds a cost as PostgreSQL's round(float8::numeric, 8) does", async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const values = [0.1 + 0.2, 0.000000125, -0.000000125, 0.000000135, 1e-9, 5e-9, 123.456789125, 0, 2.5e-7];
    for (let i = 0; i < 300; i++) values.push(random() * 10 ** Math.floor(random() * 8 - 6));
    const { rows } = (await whole.handle.db.execute(
      sql`SELECT round(v::numeric, 8)::text AS r FROM unnest(${`{${values.map(String).join(",")}}`}::float8[]) WITH ORDINALITY AS x(v, i) ORDER BY i`,
    )) as unknown as { rows: Array<{ r: string }> };
    expect(values.map((v) => roundedAsNumeric(v, 8))).toEqual(rows.map((r) => Number(r.r)));
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

it("derives a skill in memory only where its metadata and times are as PostgreSQL would take them", () => {
  const changes = mapSpans(richTrace());
  const skill = changes.skills[0];
  if (skill === undefined) throw new Error("no skill");
  const call = (kind: "db" | "http", startedAt: string, completedAt: string) => ({
    traceId: skill.traceId,
    spanId: "00000000000000c1",
    kind,
    startedAt,
    completedAt,
    durationMs: 1,
    cacheHit: null,
    detail: null,
    wkexId: null,
    execId: skill.execId,
  });
  const derive = (
    attributes = skill.attributes,
    clientCalls = [call("db", skill.startedAt, skill.startedAt)],
  ) => deriveSkillsInBatch([{ ...skill, attributes }], { llmCalls: [], clientCalls }).get(skill.execId);
  expect(derive()?.metadata.performance).toMatchObject({ dbQueries: 1, apiCalls: 0, dbQueryTime: 0 });
  expect(derive(skill.attributes, [])?.metadata).toEqual(skill.attributes.metadata);
  const performanceNotAnObject = {
    ...skill.attributes,
    metadata: { ...skill.attributes.metadata, performance: "fast" },
  };
  expect(derive(performanceNotAnObject)).toBeUndefined();
  expect(
    derive(skill.attributes, [call("http", skill.startedAt, "+275760-09-13T00:00:00.000000Z")]),
  ).toBeUndefined();
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
