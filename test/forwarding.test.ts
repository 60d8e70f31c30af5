import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { afterEach, expect, it } from "vitest";
import { decodeProtobufRequest } from "../src/collector/index.js";
import { metricValue } from "./helpers/api.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { exportWith, grpcExporter } from "./helpers/export.js";
import { OtlpSink, startRecordingProxy } from "./helpers/otlp-sink.js";
import { skillRows } from "./helpers/rows.js";
import { recordSpans } from "./helpers/sdk.js";

const skillTrace = (n: number) =>
  recordSpans((t) => {
    const workflow = t.start("workflow", { "workflow.name": "forwarded" });
    for (let i = 0; i < n; i++)
      t.start(`skill ${i}`, { "skill.name": `k${i}`, "skill.input": "x" }, workflow).end();
    workflow.end();
  });

const metric = (execlens: TestExeclens, pattern: RegExp) => metricValue(execlens.apiUrl, pattern);

const dropped = (reason: string) =>
  new RegExp(`execlens_forward_requests_total\\{outcome="dropped",reason="${reason}"[^}]*\\} (\\d+)`);
const sent = /execlens_forward_requests_total\{outcome="sent"[^}]*\} (\d+)/;

describeEachDatabase("forwarding (EXECLENS_FORWARD_OTLP_ENDPOINT)", (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });
  async function setUp(downstream: string, forwardQueueBytes = 16 * 1024 * 1024) {
    const execlens = await startTestExeclens(kind, {
      forwardOtlpEndpoint: `${downstream}/v1/traces`,
      forwardQueueBytes,
    });
    cleanup.push(() => execlens.stop());
    return execlens;
  }

  it("re-sends each accepted request body byte for byte, with its Content-Type, from every receiver", async () => {
    const downstream = await OtlpSink.start();
    cleanup.push(() => downstream.close());
    const execlens = await setUp(downstream.url);
    const proxy = await startRecordingProxy(execlens.otlpHttpUrl);
    cleanup.push(() => proxy.close());

    const url = `${proxy.url}/v1/traces`;
    await exportWith(new JsonExporter({ url }), await skillTrace(2));
    await exportWith(new ProtobufExporter({ url }), await skillTrace(3));
    await exportWith(
      new ProtobufExporter({ url, compression: CompressionAlgorithm.GZIP }),
      await skillTrace(4),
    );
    const forwarded = await downstream.waitFor(3);
    expect(forwarded.map((r) => r.path)).toEqual(["/v1/traces", "/v1/traces", "/v1/traces"]);
    for (const [i, original] of proxy.requests.entries()) {
      expect(forwarded[i]?.headers["content-type"]).toBe(original.headers["content-type"]);
      expect(Buffer.compare(forwarded[i]?.body ?? Buffer.alloc(0), original.body)).toBe(0);
    }
    expect(proxy.requests[2]?.headers["content-encoding"]).toBe("gzip");

    await exportWith(grpcExporter(execlens.otlpGrpcAddress as string, true), await skillTrace(5));
    const [, , , viaGrpc] = await downstream.waitFor(4);
    expect(viaGrpc?.headers["content-type"]).toBe("application/x-protobuf");
    const spans = decodeProtobufRequest(viaGrpc?.body ?? Buffer.alloc(0)).spans;
    expect(spans.filter((s) => s.name.startsWith("skill"))).toHaveLength(5);
    expect(await metric(execlens, sent)).toBe(4);
    expect(await skillRows(execlens.database.db)).toHaveLength(2 + 3 + 4 + 5);
  });

  it("a downstream that does not answer neither slows nor fails ingest; past the queue, forwards are dropped and counted", async () => {
    const downstream = await OtlpSink.start();
    cleanup.push(() => downstream.close());
    downstream.hold();
    const execlens = await setUp(downstream.url, 64 * 1024);

    const exporter = new ProtobufExporter({ url: execlens.tracesUrl });
    for (let i = 0; i < 40; i++) await exportWith(exporter, await skillTrace(20));
    // Every export was answered while the downstream had answered nothing.
    expect(await skillRows(execlens.database.db)).toHaveLength(40 * 20);
    expect(await metric(execlens, sent)).toBe(0);
    const full = await metric(execlens, dropped("queue_full"));
    expect(full).toBeGreaterThan(0);
    expect(full).toBeLessThan(40);

    downstream.release();
    await expect.poll(() => metric(execlens, sent), { timeout: 10_000 }).toBe(40 - full);
  });

  it("a downstream that is down: ingest answers 200, the forwards wait for retries and overflow into drops", async () => {
    const gone = await OtlpSink.start();
    const url = gone.url;
    await gone.close();
    const execlens = await setUp(url, 64 * 1024);

    const exporter = new JsonExporter({ url: execlens.tracesUrl });
    for (let i = 0; i < 40; i++) await exportWith(exporter, await skillTrace(20));
    expect(await skillRows(execlens.database.db)).toHaveLength(40 * 20);
    expect(await metric(execlens, dropped("queue_full"))).toBeGreaterThan(0);
    expect(await metric(execlens, sent)).toBe(0);
  });

  it("a downstream that refuses a request (400) is not retried; the request is dropped as rejected", async () => {
    const downstream = await OtlpSink.start(async () => ({ status: 400 }));
    cleanup.push(() => downstream.close());
    const execlens = await setUp(downstream.url);
    await exportWith(new ProtobufExporter({ url: execlens.tracesUrl }), await skillTrace(1));
    await expect.poll(() => metric(execlens, dropped("rejected")), { timeout: 5_000 }).toBe(1);
    expect(downstream.requests).toHaveLength(1);
  });
});
