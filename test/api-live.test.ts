import { afterAll, describe, expect, it } from "vitest";
import { spawnExeclens } from "./helpers/child-execlens.js";
import { databaseKinds, describeEachDatabase, postgres } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens, useExeclens } from "./helpers/execlens.js";
import { otlpExporter, sdkTracer } from "./helpers/sdk.js";
import { openSse } from "./helpers/sse.js";

/**
 * Runs a 3-step workflow through `tracesUrl` one span at a time while an SSE client watches it
 * on `apiUrl`; returns the events the client received.
 */
async function watchWorkflow(tracesUrl: string, apiUrl: string, executionId: string) {
  const t = sdkTracer(otlpExporter("protobuf", tracesUrl));
  const context = {
    "workflow.execution.id": executionId,
    "workflow.name": "live",
    "workflow.total_steps": 3,
  };
  const workflow = t.start("workflow live", context);
  const step = async (order: number) => {
    const s = t.start(
      `step ${order}`,
      { ...context, "workflow.step.id": `s${order}`, "workflow.step.order": order },
      workflow,
    );
    t.start(`skill ${order}`, { "skill.name": `k${order}` }, s).end();
    s.end();
    await t.flush();
  };
  await step(1);
  const sse = await openSse(`${apiUrl}/api/workflow-executions/${executionId}/events`);
  expect(sse.status).toBe(200);
  await sse.waitFor(1);
  await step(2);
  await sse.waitFor(2);
  await step(3);
  await sse.waitFor(3);
  workflow.end();
  await t.flush();
  await sse.waitFor(4);
  await sse.done;
  await t.shutdown();
  return sse.events.map((e) => ({ event: e.event, ...JSON.parse(e.data) }));
}

const expectedEvents = [
  { event: "state", status: "running", completedSteps: 1, currentStepId: "s1" },
  { event: "state", status: "running", completedSteps: 2, currentStepId: "s2" },
  { event: "state", status: "running", completedSteps: 3, currentStepId: "s3" },
  { event: "end", status: "completed", completedSteps: 3, progress: 100 },
];

describeEachDatabase("live progress over SSE", (kind) => {
  const execlens = useExeclens(kind);

  it("sends one event per completed step and a final terminal event, then closes", async () => {
    const events = await watchWorkflow(execlens.tracesUrl, execlens.apiUrl, "live-one");
    expect(events).toHaveLength(4);
    for (const [i, event] of events.entries()) expect(event).toMatchObject(expectedEvents[i] as object);
  });

  it("answers 404 for an unknown execution", async () => {
    const response = await fetch(`${execlens.apiUrl}/api/workflow-executions/none/events`);
    expect(response.status).toBe(404);
  });
});

describe.runIf(databaseKinds.includes(postgres))(
  "live progress across two execlens processes [postgres]",
  () => {
    let ingesting: TestExeclens;
    let watching: ReturnType<typeof spawnExeclens>;
    afterAll(async () => {
      watching?.child.kill("SIGTERM");
      await watching?.exited;
      await ingesting?.stop();
    });

    it("a client of one process sees the spans ingested by the other", async () => {
      ingesting = await startTestExeclens(postgres);
      const url = ingesting.testDatabase.url as string;
      watching = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
        DATABASE_URL: url,
      });
      const { api } = await watching.ready();
      const events = await watchWorkflow(ingesting.tracesUrl, api, "live-two");
      expect(events).toHaveLength(4);
      for (const [i, event] of events.entries()) expect(event).toMatchObject(expectedEvents[i] as object);
    });
  },
);
