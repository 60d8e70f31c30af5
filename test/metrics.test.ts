import { describe, expect, it } from "vitest";
import { pglite } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

describe("/metrics", () => {
  const execlens = useExeclens(pglite, { stuckAfterMs: 1 });

  it("exposes execution counters and duration histograms by kind, status and name, and stuck workflows", async () => {
    const spans = await recordSpans((t) => {
      const w = t.start("workflow", { "workflow.name": "report" });
      const ok = t.start("skill", { "skill.name": "search" }, w);
      ok.end();
      // 4 ms by the span's own clock, however loaded the machine: the bucket below is asserted
      const began = Date.now();
      const bad = t.start("skill", { "skill.name": "fetch" }, w, began);
      t.fail(bad, "refused");
      bad.end(began + 4);
      w.end(began + 10);
      // a step whose workflow never ends: its workflow execution stays running
      const unfinished = t.start("w2", {});
      t.start("step", { "workflow.step.id": "s1", "workflow.name": "stuck" }, unfinished).end();
    });
    await exportWith(otlpExporter("protobuf", execlens.tracesUrl), spans);
    const response = await fetch(`${execlens.apiUrl}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(
      /execlens_executions_total\{kind="skill",status="failed",name="fetch",otel_scope_name="execlens"\} 1/,
    );
    expect(text).toMatch(
      /execlens_executions_total\{kind="skill",status="completed",name="search",otel_scope_name="execlens"\} 1/,
    );
    expect(text).toMatch(
      /execlens_executions_total\{kind="workflow",status="completed",name="report",otel_scope_name="execlens"\} 1/,
    );
    expect(text).toMatch(
      /execlens_execution_duration_seconds_bucket\{kind="skill",status="failed",name="fetch",otel_scope_name="execlens",le="0.01"\} 1/,
    );
    expect(text).toMatch(/execlens_workflows_stuck\{status="running",otel_scope_name="execlens"\} 1/);
    expect(text).toMatch(/execlens_spans_received_total\{otel_scope_name="execlens"\} 4/);
  });
});
