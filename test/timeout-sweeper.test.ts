import { expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import { sweepTimeouts, writeChanges } from "../src/store/index.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { startTestExeclens, useExeclens } from "./helpers/execlens.js";
import { workflowRows } from "./helpers/rows.js";
import { span } from "./helpers/spans.js";

/** A workflow whose first step arrived `ageMs` ago and whose own span has not: it is `running`. */
function runningWorkflow(n: number, ageMs: number, timeoutMs?: number) {
  const traceId = `${n.toString(16).padStart(4, "0")}${"cd".repeat(14)}`;
  const start = Date.now() - ageMs;
  const config: Record<string, number> =
    timeoutMs === undefined ? {} : { "workflow.config.timeout": timeoutMs };
  const step = span({
    traceId,
    spanId: "00000000000000b2",
    parentSpanId: "00000000000000b1",
    name: "step 1",
    startMs: start,
    endMs: start + 5,
    attributes: {
      "workflow.step.id": "s1",
      "workflow.step.order": 1,
      "workflow.execution.id": `sweep-${n}`,
      ...config,
    },
  });
  const own = span({
    traceId,
    spanId: "00000000000000b1",
    name: "workflow",
    startMs: start - 1,
    endMs: Date.now(),
    attributes: { "workflow.name": "swept", "workflow.execution.id": `sweep-${n}` },
  });
  return { traceId, step, own };
}

describeEachDatabase("timeout sweeper", (kind) => {
  const execlens = useExeclens(kind, { sweepIntervalMs: 100, defaultTimeoutMs: 60 * 60 * 1000 });

  it("marks a workflow running past its execution_config.timeout within one sweep period; a late span completes it", async () => {
    const db = execlens.database.db;
    const late = runningWorkflow(1, 2_000, 500);
    const fresh = runningWorkflow(2, 2_000);
    await writeChanges(db, mapSpans([late.step, fresh.step]));
    expect((await workflowRows(db, late.traceId))[0]?.wkex_status).toBe("running");
    await expect
      .poll(async () => (await workflowRows(db, late.traceId))[0]?.wkex_status, {
        timeout: 2_000,
        interval: 50,
      })
      .toBe("timeout");
    const [timedOut] = await workflowRows(db, late.traceId);
    expect(timedOut).toMatchObject({
      wkex_error_step: "s1",
      wkex_error_message: expect.stringContaining("500 ms"),
    });
    // without a timeout of its own, the default (1 h) applies
    expect((await workflowRows(db, fresh.traceId))[0]?.wkex_status).toBe("running");
    // the real span still wins
    await writeChanges(db, mapSpans([late.own]));
    expect((await workflowRows(db, late.traceId))[0]?.wkex_status).toBe("completed");
  });

  it("with two sweepers racing, marks each execution once", async () => {
    // an instance whose own timer does not sweep during the test
    const quiet = await startTestExeclens(kind, { sweepIntervalMs: 3_600_000 });
    const db = quiet.database.db;
    const stale = Array.from({ length: 40 }, (_, i) => runningWorkflow(100 + i, 5_000, 1_000));
    await writeChanges(db, mapSpans(stale.map((w) => w.step)));
    const [a, b] = await Promise.all([sweepTimeouts(db, 3_600_000), sweepTimeouts(db, 3_600_000)]);
    const marked = [...(a ?? []), ...(b ?? [])]
      .map((w) => w.executionId)
      .filter((id) => id.startsWith("sweep-1"));
    await quiet.stop();
    expect(marked.length).toBe(40);
    expect(new Set(marked).size).toBe(40);
  });
});
