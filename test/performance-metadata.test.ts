import { expect, it } from "vitest";
import { INSTRUMENTED_CLIENT, type RecordedSpan } from "./apps/instrumented-app-data.js";
import { ADMIN_URL, describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { skillRows, workflowRows } from "./helpers/rows.js";
import { runInstrumentedApp } from "./helpers/test-app.js";

const sumOf = (spans: readonly RecordedSpan[]) => spans.reduce((total, s) => total + s.durationMs, 0);

describeEachDatabase("metadata from the trace: performance, retries and the request's client", (kind) => {
  const execlens = useExeclens(kind);

  it("a request whose skill fails once, then runs two queries and an HTTP call (instrumentation-pg and -http): counts, times, retry, client", async () => {
    const { workflowName, spans } = await runInstrumentedApp(
      execlens.tracesUrl,
      ADMIN_URL,
      `${execlens.apiUrl}/healthz`,
      kind.name,
    );
    const [workflow] = (await workflowRows(execlens.database.db)).filter(
      (w) => w.wkex_workflow_name === workflowName,
    );
    const client = { ipAddress: INSTRUMENTED_CLIENT.address, userAgent: INSTRUMENTED_CLIENT.userAgent };
    expect(workflow?.wkex_attributes).toMatchObject({
      metadata: { performance: { dbQueries: 3, apiCalls: 1 }, ...client, source: "GET" },
    });
    const [first, second] = await skillRows(execlens.database.db, workflow?.wkex_trace_id as string);
    expect(first?.exec_status).toBe("failed");
    expect(first?.exec_attributes).toMatchObject({ metadata: { ...client } });
    expect(first?.exec_attributes).not.toHaveProperty("metadata.retry");
    expect(second?.exec_status).toBe("completed");
    expect(second?.exec_attributes).toMatchObject({
      metadata: {
        ...client,
        performance: { dbQueries: 2, apiCalls: 1 },
        retry: { attemptNumber: 2, previousErrors: ["Connection refused"] },
      },
    });
    // the derived retry reaches the retried index's column too (the Grafana Retries panel)
    expect([first?.exec_retry_attempt, second?.exec_retry_attempt]).toEqual([null, 2]);

    const under = spans.filter((s) => s.parentSpanId === second?.exec_span_id);
    const db = under.filter((s) => s.attributes["db.system.name"] ?? s.attributes["db.system"]);
    const api = under.filter((s) => s.attributes["http.request.method"] ?? s.attributes["http.method"]);
    expect([db.length, api.length]).toEqual([2, 1]);
    const skillMs = sumOf(spans.filter((s) => s.spanId === second?.exec_span_id));
    const attributes = second?.exec_attributes as { metadata: { performance: Record<string, number> } };
    const { performance } = attributes.metadata;
    const [dbMs, apiMs] = [sumOf(db), sumOf(api)];
    expect(Math.abs(Number(performance.dbQueryTime) - dbMs)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(performance.apiCallTime) - apiMs)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(performance.transformTime) - (skillMs - dbMs - apiMs))).toBeLessThanOrEqual(1);
  }, 60_000);
});
