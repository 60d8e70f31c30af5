import { expect, it } from "vitest";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { stepRows, workflowRows } from "./helpers/rows.js";
import { otlpExporter, sdkTracer } from "./helpers/sdk.js";

describeEachDatabase("live state of a workflow whose steps arrive before it", (kind) => {
  const execlens = useExeclens(kind);

  it("is running with its progress, then completed by its own span", async () => {
    const t = sdkTracer(otlpExporter("json", execlens.tracesUrl));
    const context = {
      "workflow.execution.id": "live-1",
      "workflow.name": "onboarding",
      "workflow.total_steps": 3,
    };
    const workflow = t.start("workflow onboarding", { ...context, "organization.id": "org-live" });
    const traceId = workflow.spanContext().traceId;
    const current = async () => (await workflowRows(execlens.database.db, traceId))[0];

    for (const order of [1, 2]) {
      const step = t.start(
        `step ${order}`,
        { ...context, "workflow.step.id": `s${order}`, "workflow.step.order": order },
        workflow,
      );
      const skill = t.start(`skill ${order}`, { "skill.name": `skill-${order}` }, step);
      skill.end();
      step.end();
      await t.flush();
      expect(await current()).toMatchObject({
        wkex_status: "running",
        wkex_execution_id: "live-1",
        wkex_workflow_name: "onboarding",
        wkex_current_step_id: `s${order}`,
        wkex_current_step_order: order,
        wkex_completed_steps: order,
        wkex_total_steps: 3,
        wkex_completed_at: null,
      });
    }

    const last = t.start(
      "step 3",
      { ...context, "workflow.step.id": "s3", "workflow.step.order": 3 },
      workflow,
    );
    last.end();
    await t.flush();
    expect(await current()).toMatchObject({ wkex_status: "running", wkex_completed_steps: 3 });

    workflow.end();
    await t.flush();
    const done = await current();
    const steps = await stepRows(execlens.database.db, done?.wkex_id as string);
    const durations = steps.map((s) => Number(s.wstp_duration_ms));
    expect(done).toMatchObject({
      wkex_status: "completed",
      wkex_completed_steps: 3,
      wkex_total_steps: 3,
      wkex_current_step_id: "s3",
      wkex_span_received: true,
    });
    expect(done?.wkex_completed_at).not.toBeNull();
    expect(Number(done?.wkex_total_duration_ms)).toBeGreaterThanOrEqual(Math.max(...durations));
    expect(done?.wkex_avg_step_duration_ms).toBeCloseTo(durations.reduce((a, b) => a + b, 0) / 3, 3);
    await t.shutdown();
  });
});
