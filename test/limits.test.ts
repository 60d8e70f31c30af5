import { describe, expect, it } from "vitest";
import { applyLimits } from "../src/collector/limits.js";
import { pglite } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { skillRows } from "./helpers/rows.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";
import { span } from "./helpers/spans.js";

const limits = {
  maxSpansPerRequest: 2,
  maxAttributesPerSpan: 3,
  maxAttributeValueBytes: 10,
  maxFutureSkewMs: 1000,
};
const trace = "5b8efff798038103d269b633813fc60c";

describe("applyLimits", () => {
  it("cuts long values with a marker naming the original size, and notes it", () => {
    const [limited] = applyLimits(
      {
        spans: [
          span({
            traceId: trace,
            spanId: "0000000000000001",
            name: "s",
            startMs: 0,
            endMs: 1,
            attributes: { long: "é".repeat(20), short: "ok" },
          }),
        ],
        rejected: [],
      },
      limits,
      0,
    ).spans;
    expect(limited?.attributes.long).toBe(`${"é".repeat(5)}…[execlens: truncated, original 40 bytes]`);
    expect(limited?.attributes.short).toBe("ok");
    expect(limited?.normalisations).toEqual(["span attribute long was cut to 10 bytes"]);
  });

  it("keeps the first attributes past the count limit and notes how many were dropped", () => {
    const [limited] = applyLimits(
      {
        spans: [
          span({
            traceId: trace,
            spanId: "0000000000000001",
            name: "s",
            startMs: 0,
            endMs: 1,
            attributes: { a: 1, b: 2, c: 3, d: 4, e: 5 },
          }),
        ],
        rejected: [],
      },
      limits,
      0,
    ).spans;
    expect(Object.keys(limited?.attributes ?? {})).toEqual(["a", "b", "c"]);
    expect(limited?.normalisations).toEqual(["span had 5 attributes; 2 past the limit of 3 were dropped"]);
  });

  it("rejects spans past the per-request limit and spans starting too far in the future", () => {
    const spans = [1, 2, 3].map((n) =>
      span({
        traceId: trace,
        spanId: `000000000000000${n}`,
        name: `s${n}`,
        startMs: n === 1 ? 5000 : 0,
        endMs: 6000,
      }),
    );
    const result = applyLimits({ spans, rejected: [] }, limits, 0);
    expect(result.spans.map((s) => s.name)).toEqual(["s2"]);
    expect(result.rejected.map((r) => r.reason)).toEqual([
      'span "s1" (0000000000000001) starts more than 1000 ms in the future',
      "request has 3 spans, more than the limit of 2; span 0000000000000003 rejected",
    ]);
  });
});

describe("values PostgreSQL cannot hold as they are", () => {
  const execlens = useExeclens(pglite, { maxAttributeValueBytes: 1024 });

  it("stores NUL characters, lone surrogates, over-long and deeply nested values, noting what changed", async () => {
    const deep = `${"[".repeat(100)}${"]".repeat(100)}`;
    const spans = await recordSpans((t) =>
      t
        .start("skill", {
          "skill.name": "odd\u0000name\ud800",
          "skill.input": '{"a\\u0000b": "\\ud800"}',
          "skill.output": deep,
          "skill.metadata.note": "y".repeat(5000),
        })
        .end(),
    );
    await exportWith(otlpExporter("json", execlens.tracesUrl), spans);
    const [row] = await skillRows(execlens.database.db, spans[0]?.spanContext().traceId);
    expect(row?.exec_skill_name).toBe("odd\uFFFDname\uFFFD");
    expect(row?.exec_attributes).toMatchObject({
      input_data: { "a\uFFFDb": "\uFFFD" },
      output_data: deep,
      metadata: {
        note: expect.stringContaining("…[execlens: truncated, original 5000 bytes]"),
        warnings: ["span attribute skill.metadata.note was cut to 1024 bytes"],
      },
    });
  });
});
