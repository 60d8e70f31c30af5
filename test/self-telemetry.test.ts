import { afterEach, expect, it } from "vitest";
import { decodeJsonRequest, decodeProtobufRequest } from "../src/collector/index.js";
import type { Span } from "../src/model/index.js";
import { apiClient, metricValue } from "./helpers/api.js";
import { type ChildExeclens, spawnExeclens } from "./helpers/child-execlens.js";
import { type DatabaseKind, describeEachDatabase } from "./helpers/databases.js";
import { exportWith } from "./helpers/export.js";
import { OtlpSink, type SunkRequest } from "./helpers/otlp-sink.js";
import { freePort } from "./helpers/own-postgres.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

const appTrace = () =>
  recordSpans((t) => {
    const workflow = t.start("workflow", { "workflow.name": "observed" });
    t.start("skill a", { "skill.name": "a" }, workflow).end();
    t.start("skill b", { "skill.name": "b" }, workflow).end();
    workflow.end();
  });

function spansOf(requests: readonly SunkRequest[]): Span[] {
  return requests.flatMap((r) =>
    r.headers["content-type"] === "application/json"
      ? decodeJsonRequest(r.body.toString("utf8")).spans
      : decodeProtobufRequest(r.body).spans,
  );
}

const spansReceived = (api: string) => metricValue(api, /^execlens_spans_received_total\{[^}]*\} (\d+)/m);

async function count(api: string, path: string): Promise<number> {
  return (await apiClient(api).get<{ items: unknown[] }>(path, { limit: 100 })).body.items.length;
}

describeEachDatabase("self-telemetry (OTEL_* variables)", (kind: DatabaseKind) => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });
  async function spawn(env: Record<string, string>, args: string[] = []): Promise<ChildExeclens> {
    const database = await kind.create();
    cleanup.push(() => database.drop());
    const target = database.target;
    const child = spawnExeclens(["--otlp-grpc-port=0", "--api-port=0", ...args], {
      ...("databaseUrl" in target ? { DATABASE_URL: target.databaseUrl } : {}),
      ...("dataDir" in target ? { EXECLENS_DATA_DIR: target.dataDir } : {}),
      OTEL_BSP_SCHEDULE_DELAY: "100",
      ...env,
    });
    cleanup.push(async () => {
      child.child.kill("SIGTERM");
      await child.exited;
    });
    return child;
  }

  it("exports an ingest span per request and a span per API request to the configured endpoint; logs carry the trace id", async () => {
    const sink = await OtlpSink.start();
    cleanup.push(() => sink.close());
    const child = await spawn(
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sink.url}/v1/traces`, EXECLENS_LOG_LEVEL: "debug" },
      ["--otlp-http-port=0"],
    );
    const { otlpHttp, api } = await child.ready();
    await exportWith(otlpExporter("protobuf", otlpHttp), await appTrace());
    expect(await count(api, "/api/skill-executions")).toBe(2);

    let spans: Span[] = [];
    await expect
      .poll(
        () => {
          spans = spansOf(sink.requests);
          return spans.map((s) => s.name).sort();
        },
        { timeout: 10_000 },
      )
      .toEqual(["GET /api/skill-executions", "execlens.ingest"]);
    expect(sink.requests[0]?.headers["content-type"]).toBe("application/x-protobuf");
    const ingest = spans.find((s) => s.name === "execlens.ingest");
    expect(ingest?.kind).toBe(2);
    expect({ ...ingest?.attributes }).toEqual({
      "execlens.ingest.protocol": "http/protobuf",
      "execlens.spans.received": 3,
      "execlens.spans.rejected": 0,
      "execlens.rows.written": 3,
      "execlens.ingest.outcome": "accepted",
    });
    expect(ingest?.resource["service.name"]).toBe("execlens");
    expect(ingest?.resource["execlens.self_telemetry"]).toBe(true);
    const request = spans.find((s) => s.name.startsWith("GET"));
    expect(request?.attributes["http.route"]).toBe("/api/skill-executions");
    expect(request?.attributes["http.response.status_code"]).toBe(200);

    const stored = child
      .output()
      .stdout.split("\n")
      .filter((line) => line.includes('"batch stored"'))
      .map((line) => JSON.parse(line) as { trace_id?: string });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.trace_id).toBe(ingest?.traceId);
  });

  it("exporting to execlens itself stores no executions from its own spans and makes no spans about them", async () => {
    const port = await freePort();
    const child = await spawn({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, [
      `--otlp-http-port=${port}`,
    ]);
    const { otlpHttp, api } = await child.ready();
    await exportWith(otlpExporter("json", otlpHttp), await appTrace());
    expect(await count(api, "/api/workflow-executions")).toBe(1);

    // 3 app spans, then its own: the app request's ingest span and the API request's span.
    await expect.poll(() => spansReceived(api), { timeout: 10_000 }).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await spansReceived(api)).toBe(5);
    const skills = (await (await fetch(`${api}/api/skill-executions?limit=100`)).json()) as {
      items: Array<{ skillName: string }>;
    };
    expect(skills.items.map((s) => s.skillName).sort()).toEqual(["a", "b"]);
    expect(await count(api, "/api/workflow-executions")).toBe(1);
  });

  it("is off without the variables, and a bad one fails start-up naming it", async () => {
    const quiet = await spawn({}, ["--otlp-http-port=0"]);
    const ready = (await quiet.ready()) as { selfTelemetry?: boolean };
    expect(ready.selfTelemetry).toBe(false);

    const bad = await spawn({ OTEL_TRACES_EXPORTER: "jaeger" }, ["--otlp-http-port=0"]);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain("OTEL_TRACES_EXPORTER: unknown exporter");
  });
});
