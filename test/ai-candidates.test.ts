/**
 * An AI span (AI SDK call, model request, tool call) becomes a workflow execution only when it is
 * the top of its chain. The mappers make its workflow candidate only when the request leaves that
 * possible: nothing for spans under a workflow, a step or another AI span in the same request,
 * which is most of them. The store still finds the top of every chain, however the trace is split.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import type { Span } from "../src/model/index.js";
import { settleQuietTraces, writeChanges } from "../src/store/index.js";
import { queryRows } from "../src/store/transaction.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";
import { treeSpan } from "./helpers/spans.js";

const call = (traceId: string, spanId: string, parent: string | undefined, functionId: string) =>
  treeSpan(traceId, spanId, parent, "ai.generateText", {
    "ai.operationId": "ai.generateText",
    "ai.telemetry.functionId": functionId,
  });
const request = (traceId: string, spanId: string, parent: string | undefined) =>
  treeSpan(traceId, spanId, parent, "ai.generateText.doGenerate", {
    "ai.operationId": "ai.generateText.doGenerate",
    "ai.model.id": "gpt-4o-mini",
    "ai.usage.promptTokens": 10,
    "ai.usage.completionTokens": 5,
  });
const tool = (traceId: string, spanId: string, parent: string | undefined) =>
  treeSpan(traceId, spanId, parent, "ai.toolCall", {
    "ai.operationId": "ai.toolCall",
    "ai.toolCall.name": "lookup",
    "ai.toolCall.args": "{}",
  });

const candidateSpans = (spans: Span[]) => mapSpans(spans).candidates.map((c) => c.spanId);

describe("AI workflow candidates, as mapped", () => {
  const trace = "ca0d0000000000000000000000000001";

  it("only the top AI span of a request's chain has one", () => {
    expect(
      candidateSpans([
        request(trace, "00000000000000b2", "00000000000000b1"),
        call(trace, "00000000000000b1", "00000000000000b0", "ask"),
        tool(trace, "00000000000000b3", "00000000000000b1"),
        treeSpan(trace, "00000000000000b0", undefined, "GET /ask", {}),
      ]),
    ).toEqual(["00000000000000b1"]);
  });

  it("none under a workflow or a step, however deep", () => {
    expect(
      candidateSpans([
        treeSpan(trace, "00000000000000c0", undefined, "workflow", { "workflow.name": "w" }),
        treeSpan(trace, "00000000000000c1", "00000000000000c0", "step", { "workflow.step.order": 1 }),
        treeSpan(trace, "00000000000000c2", "00000000000000c1", "skill", { "skill.name": "s" }),
        request(trace, "00000000000000c3", "00000000000000c2"),
        call(trace, "00000000000000c4", "00000000000000c0", "direct"),
      ]),
    ).toEqual([]);
  });

  it("kept where the request cannot tell: a parent elsewhere, a skill alone, a rejected step, a cycle", () => {
    expect(candidateSpans([request(trace, "00000000000000d1", "00000000000000d0")])).toEqual([
      "00000000000000d1",
    ]);
    expect(
      candidateSpans([
        treeSpan(trace, "00000000000000d2", undefined, "skill", { "skill.name": "s" }),
        tool(trace, "00000000000000d3", "00000000000000d2"),
      ]),
    ).toEqual(["00000000000000d3"]);
    // a step without a parent is rejected and kept as a plain span: it owns nothing
    const rejected = mapSpans([
      treeSpan(trace, "00000000000000d4", undefined, "step", { "workflow.step.order": 1 }),
      request(trace, "00000000000000d5", "00000000000000d4"),
    ]);
    expect(rejected.rejected).toHaveLength(1);
    expect(rejected.candidates.map((c) => c.spanId)).toEqual(["00000000000000d5"]);
    expect(
      candidateSpans([
        request(trace, "00000000000000e1", "00000000000000e2"),
        request(trace, "00000000000000e2", "00000000000000e1"),
      ]).sort(),
    ).toEqual(["00000000000000e1", "00000000000000e2"]);
  });
});

describeEachDatabase("AI workflow candidates, as stored", (kind) => {
  const database = useOpenDatabase(kind);

  async function aiWorkflows(traceId: string) {
    return queryRows<{ span: string; tokens: number | null }>(
      database.handle.db,
      sql`SELECT wkex_span_id AS span, wkex_total_tokens::int AS tokens FROM "WorkflowExecutions" WHERE wkex_trace_id = ${traceId} ORDER BY wkex_span_id`,
    );
  }

  it("a chain split over requests, children first, is one workflow: its top's", async () => {
    const db = database.handle.db;
    const trace = "ca0d0000000000000000000000000002";
    await writeChanges(db, mapSpans([request(trace, "00000000000000b2", "00000000000000b1")]));
    await writeChanges(db, mapSpans([tool(trace, "00000000000000b3", "00000000000000b1")]));
    await writeChanges(db, mapSpans([call(trace, "00000000000000b1", undefined, "split")]));
    expect(await aiWorkflows(trace)).toEqual([{ span: "00000000000000b1", tokens: 15 }]);
  });

  it("a parent cycle of model requests is a workflow once its trace is settled", async () => {
    const db = database.handle.db;
    const trace = "ca0d0000000000000000000000000003";
    await writeChanges(
      db,
      mapSpans([
        request(trace, "00000000000000e1", "00000000000000e2"),
        request(trace, "00000000000000e2", "00000000000000e1"),
      ]),
    );
    await settleQuietTraces(db, 0);
    const workflows = await aiWorkflows(trace);
    expect(workflows).toHaveLength(1);
    expect(["00000000000000e1", "00000000000000e2"]).toContain(workflows[0]?.span);
  });
});
