import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/store/index.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens, useExeclens } from "./helpers/execlens.js";
import { type Row, skillRows, workflowRows } from "./helpers/rows.js";
import { type AiSdkRun, runAiSdkApp, runAiSdkAppBehindCaller } from "./helpers/test-app.js";

/*
 * The usual deployment: the app's request continues a caller's `traceparent` (a gateway, a
 * browser, another service) whose spans execlens never receives (issue "Traces as real apps
 * send them", 1). The real AI SDK app (ai 5) runs as the handler of such a request.
 */

const caller = () => ({ traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex") });
const traceparent = (c: { traceId: string; spanId: string }) => `00-${c.traceId}-${c.spanId}-01`;

/** What one run stored: its two AI workflows, with their tool calls and tokens. */
async function stored(db: Database, run: AiSdkRun) {
  const workflows = await workflowRows(db);
  const skills = await skillRows(db);
  const of = (name: string) => {
    const workflow = workflows.find((w) => w.wkex_workflow_name === name);
    return {
      workflow,
      tokens: workflow === undefined ? undefined : Number(workflow.wkex_total_tokens),
      skills: skills
        .filter((s) => workflow !== undefined && s.wkex_id === workflow.wkex_id)
        .map((s) => s.exec_skill_name),
    };
  };
  return { generate: of(run.generate.functionId), stream: of(run.stream.functionId) };
}

/** Forwards OTLP JSON to execlens with every span's `flags` removed, as older exporters send it. */
async function flagStrippingProxy(
  target: string,
): Promise<{ url: string; lastSentAt: () => number; server: Server }> {
  let last = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }>;
      };
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) delete span.flags;
      // before passing it on: the writer stamps the trace as last seen at its transaction's start,
      // after this moment and before the answer (which a loaded machine may send much later)
      last = Date.now();
      const answer = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    lastSentAt: () => last,
    server,
  };
}

/** The caller's own span, sent late by a real SDK: a declared workflow that encloses the request. */
async function sendCallerSpan(tracesUrl: string, ids: { traceId: string; spanId: string }, name: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "gateway" }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: tracesUrl }))],
    idGenerator: { generateTraceId: () => ids.traceId, generateSpanId: () => ids.spanId },
  });
  const span = provider.getTracer("gateway").startSpan("gateway request", {
    attributes: { "workflow.name": name },
    startTime: Date.now() - 60_000,
  });
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
}

describeEachDatabase("traces continued from a caller", (kind) => {
  describe("with span flags", () => {
    // settling is an hour away: only the flags can close these traces
    const execlens = useExeclens(kind, { settleAfterMs: 3_600_000 });

    it("give the same workflows, tool calls and tokens as with no caller, as soon as they are written", async () => {
      const alone = await runAiSdkApp(execlens.tracesUrl, "5", `${kind.name}-alone`);
      const called = await runAiSdkAppBehindCaller(
        execlens.tracesUrl,
        "5",
        `${kind.name}-called`,
        traceparent(caller()),
      );
      const expected = await stored(execlens.database.db, alone);
      const actual = await stored(execlens.database.db, called);
      expect(expected.generate.workflow).toBeDefined();
      expect(actual.generate.workflow).toBeDefined();
      expect(actual.stream.workflow).toBeDefined();
      expect(actual.generate.tokens).toBe(expected.generate.tokens);
      expect(actual.stream.tokens).toBe(expected.stream.tokens);
      expect(actual.generate.skills).toEqual(expected.generate.skills);
      expect(actual.generate.skills).toEqual(["weather", "weather"]);
      expect(actual.generate.workflow?.wkex_status).toBe("completed");
    });
  });

  describe("without span flags", () => {
    const settleAfterMs = 1500;
    let execlens: TestExeclens;
    let proxy: Awaited<ReturnType<typeof flagStrippingProxy>>;
    beforeAll(async () => {
      execlens = await startTestExeclens(kind, { settleAfterMs });
      proxy = await flagStrippingProxy(execlens.tracesUrl);
    });
    afterAll(async () => {
      proxy?.server.close();
      await execlens?.stop();
    });

    it("are settled once quiet for the configured delay, and a late-arriving caller span re-attaches them", async () => {
      const ids = caller();
      const run = await runAiSdkAppBehindCaller(
        proxy.url,
        "5",
        `${kind.name}-stripped`,
        traceparent(ids),
        "json",
      );
      const sent = proxy.lastSentAt();
      let seenAt = 0;
      await expect
        .poll(
          async () => {
            const { generate, stream } = await stored(execlens.database.db, run);
            if (generate.workflow !== undefined && stream.workflow !== undefined && seenAt === 0)
              seenAt = Date.now();
            return seenAt > 0;
          },
          { timeout: settleAfterMs + 15_000, interval: 100 },
        )
        .toBe(true);
      // settled by the delay (not before), and not long after it
      expect(seenAt - sent).toBeGreaterThanOrEqual(settleAfterMs - 50);
      const settled = await stored(execlens.database.db, run);
      expect(settled.generate.tokens).toBe(run.generate.tokens);
      expect(settled.stream.tokens).toBe(run.stream.tokens);
      expect(settled.generate.skills).toEqual(["weather", "weather"]);

      // the caller does export after all, late: its workflow encloses every call (ai 5 also runs a
      // generateObject and an embed)
      const gateway = `gateway-${kind.name}`;
      await sendCallerSpan(execlens.tracesUrl, ids, gateway);
      const workflows = await workflowRows(execlens.database.db);
      const enclosing = workflows.find((w) => w.wkex_workflow_name === gateway) as Row;
      expect(enclosing).toBeDefined();
      for (const call of [run.generate, run.stream, run.object, run.embed]) {
        expect(workflows.map((w) => w.wkex_workflow_name)).not.toContain(call.functionId);
      }
      expect(Number(enclosing.wkex_total_tokens)).toBe(
        run.generate.tokens + run.stream.tokens + run.object.tokens + run.embed.tokens,
      );
      const skills = (await skillRows(execlens.database.db)).filter((s) => s.exec_trace_id === ids.traceId);
      expect(skills.map((s) => s.wkex_id)).toEqual([enclosing.wkex_id, enclosing.wkex_id]);
    });
  });
});
