/**
 * An app instrumented with @opentelemetry/instrumentation-pg and -http (real NodeSDK, real OTLP
 * exporter): a request to its own HTTP server (from a client behind a proxy, with a user agent)
 * runs one workflow whose skill fails once (one query, then "Connection refused") and succeeds on
 * its second attempt (two PostgreSQL queries and one HTTP call). It prints the spans it exported,
 * with their exact durations.
 *
 * argv: <otlp traces url> <postgres url> <http url to GET> <run id>
 */
import { createRequire } from "node:module";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK, tracing } from "@opentelemetry/sdk-node";
import { INSTRUMENTED_CLIENT as CLIENT, type RecordedSpan } from "./instrumented-app-data.js";

const [url, databaseUrl, httpUrl, runId] = process.argv.slice(2);
if (url === undefined || databaseUrl === undefined || httpUrl === undefined || runId === undefined) {
  throw new Error("usage: instrumented-app.ts <otlp url> <postgres url> <http url> <run id>");
}

const recorded = new tracing.InMemorySpanExporter();
const sdk = new NodeSDK({
  resource: resourceFromAttributes({ "service.name": "orders-app" }),
  spanProcessors: [
    new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url })),
    new tracing.SimpleSpanProcessor(recorded),
  ],
  instrumentations: [new HttpInstrumentation(), new PgInstrumentation()],
});
sdk.start();
// Loaded through require after sdk.start(): the instrumentations patch what require returns
// (an ESM app would start node with --import @opentelemetry/instrumentation/hook.mjs instead).
const require = createRequire(import.meta.url);
const pg = require("pg") as typeof import("pg");
const http = require("node:http") as typeof import("node:http");

const get = (target: string, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve, reject) => {
    http
      .request(target, { headers }, (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      })
      .on("error", reject)
      .end();
  });

const tracer = trace.getTracer("orders-app");
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();

const checkStock = (attempt: number) =>
  tracer.startActiveSpan("check stock", { attributes: { "skill.name": "check-stock" } }, async (skill) => {
    try {
      await client.query("SELECT 1 AS in_stock");
      if (attempt === 1) throw new Error("Connection refused");
      await client.query("SELECT 2 AS reserved");
      await get(httpUrl);
      return true;
    } catch (error) {
      skill.recordException(error as Error);
      skill.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      return false;
    } finally {
      skill.end();
    }
  });

const server = http.createServer((_request, response) => {
  void tracer.startActiveSpan(
    "orders",
    { attributes: { "workflow.name": `orders-${runId}` } },
    async (workflow) => {
      for (let attempt = 1; !(await checkStock(attempt)); attempt++);
      workflow.end();
      response.end("ok");
    },
  );
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as import("node:net").AddressInfo;
await get(`http://127.0.0.1:${port}/orders`, {
  forwarded: `for=${CLIENT.address}`,
  "user-agent": CLIENT.userAgent,
});
server.close();
await client.end();
// read before shutdown: shutting the exporter down forgets its spans
const spans: RecordedSpan[] = recorded.getFinishedSpans().map((s) => ({
  name: s.name,
  spanId: s.spanContext().spanId,
  parentSpanId: s.parentSpanContext?.spanId ?? null,
  attributes: s.attributes,
  durationMs: s.duration[0] * 1000 + s.duration[1] / 1e6,
}));
await sdk.shutdown();
process.stdout.write(`${JSON.stringify({ workflowName: `orders-${runId}`, spans })}\n`);
