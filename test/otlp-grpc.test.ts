import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { exportWith, grpcExporter } from "./helpers/export.js";
import { snapshot } from "./helpers/rows.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

const workflowTrace = () =>
  recordSpans((t) => {
    const workflow = t.start("workflow", { "workflow.name": "grpc-check", "workflow.total_steps": 2 });
    for (const order of [1, 2]) {
      const step = t.start(
        `step ${order}`,
        { "workflow.step.id": `s${order}`, "workflow.step.order": order },
        workflow,
      );
      const skill = t.start(`skill ${order}`, { "skill.name": `k${order}`, "skill.input": '{"n":1}' }, step);
      if (order === 2) t.fail(skill, "boom");
      skill.end();
      step.end();
    }
    workflow.end();
  });

describeEachDatabase("OTLP/gRPC", (kind) => {
  let viaGrpc: TestExeclens;
  let viaGrpcGzip: TestExeclens;
  let viaHttp: TestExeclens;
  beforeAll(async () => {
    [viaGrpc, viaGrpcGzip, viaHttp] = await Promise.all([
      startTestExeclens(kind),
      startTestExeclens(kind),
      startTestExeclens(kind),
    ]);
  });
  afterAll(async () => {
    await Promise.all([viaGrpc?.stop(), viaGrpcGzip?.stop(), viaHttp?.stop()]);
  });

  it("the real gRPC exporter, with and without gzip, gives the rows the HTTP path gives", async () => {
    const spans = await workflowTrace();
    await exportWith(grpcExporter(viaGrpc.otlpGrpcAddress as string, false), spans);
    await exportWith(grpcExporter(viaGrpcGzip.otlpGrpcAddress as string, true), spans);
    await exportWith(otlpExporter("protobuf", viaHttp.tracesUrl), spans);
    const expected = await snapshot(viaHttp.database.db);
    expect(expected.workflows).toHaveLength(1);
    expect(expected.skills).toHaveLength(2);
    expect(await snapshot(viaGrpc.database.db)).toEqual(expected);
    expect(await snapshot(viaGrpcGzip.database.db)).toEqual(expected);
  });
});
