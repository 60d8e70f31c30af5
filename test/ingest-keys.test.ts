import * as grpc from "@grpc/grpc-js";
import { OTLPTraceExporter as GrpcExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, expect, it } from "vitest";
import { newAccessKey, parseAccessKeys, sourceIdToUuid } from "../src/model/index.js";
import { metricValue } from "./helpers/api.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { OtlpSink } from "./helpers/otlp-sink.js";
import { skillRows, workflowRows } from "./helpers/rows.js";
import { recordSpans } from "./helpers/sdk.js";

/*
 * Issue 19, 1: an ingest key pins the organisation of everything sent with it, whatever the
 * spans claim; without a valid key nothing is stored or forwarded.
 */

const orgA = newAccessKey(["org-a"]);
const orgB = newAccessKey(["org-b"]);
const anyOrg = newAccessKey([]);
const stranger = newAccessKey(["org-a"]); // never configured

type Protocol = "http/json" | "http/protobuf" | "grpc";
const PROTOCOLS: Protocol[] = ["http/json", "http/protobuf", "grpc"];

/** A real exporter of each protocol, sending `authorization` as OTEL_EXPORTER_OTLP_HEADERS would. */
function exporter(execlens: TestExeclens, protocol: Protocol, authorization?: string): SpanExporter {
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  if (protocol === "http/json") return new JsonExporter({ url: execlens.tracesUrl, headers });
  if (protocol === "http/protobuf") return new ProtobufExporter({ url: execlens.tracesUrl, headers });
  const metadata = new grpc.Metadata();
  if (authorization !== undefined) metadata.set("authorization", authorization);
  return new GrpcExporter({ url: `http://${execlens.otlpGrpcAddress}`, metadata });
}

/** A workflow with one skill, both claiming organisation B (the skill as its own attribute, the workflow by its resource-less attribute). */
function claimingOrgB(): Promise<ReadableSpan[]> {
  return recordSpans((t) => {
    const workflow = t.start("workflow", { "workflow.name": "tenant", "organization.id": "org-b" });
    t.start("skill", { "skill.name": "tenant-skill", "organization.id": "org-b" }, workflow).end();
    workflow.end();
  });
}

const refused = /execlens_ingest_requests_refused_total\{reason="unauthenticated"[^}]*\} (\d+)/;

describeEachDatabase("ingest keys (EXECLENS_INGEST_KEYS)", (kind) => {
  let execlens: TestExeclens;
  let downstream: OtlpSink;
  beforeAll(async () => {
    downstream = await OtlpSink.start();
    execlens = await startTestExeclens(kind, {
      ingestKeys: parseAccessKeys(`${orgA.entry};${orgB.entry};${anyOrg.entry}`),
      forwardOtlpEndpoint: `${downstream.url}/v1/traces`,
    });
  });
  afterAll(async () => {
    await execlens?.stop();
    await downstream?.close();
  });

  it.each(PROTOCOLS)(
    "%s: a key of organisation A stores spans claiming B under A, B kept as the span's value",
    async (protocol) => {
      const spans = await claimingOrgB();
      const traceId = spans[0]?.spanContext().traceId as string;
      await exportWith(exporter(execlens, protocol, `Bearer ${orgA.key}`), spans);
      const [workflow] = await workflowRows(execlens.database.db, traceId);
      const [skill] = await skillRows(execlens.database.db, traceId);
      for (const [row, attributes] of [
        [workflow, "wkex_attributes"],
        [skill, "exec_attributes"],
      ] as const) {
        expect(row).toMatchObject({
          organization_id: sourceIdToUuid("org-a"),
          [attributes]: {
            metadata: { source_ids: { organization_id: "org-a", span_organization_id: "org-b" } },
          },
        });
      }
    },
  );

  it("takes the key by basic auth too (the key as the password), and an unscoped key keeps the span's organisation", async () => {
    const basic = `Basic ${Buffer.from(`otel:${orgA.key}`).toString("base64")}`;
    const pinned = await claimingOrgB();
    await exportWith(exporter(execlens, "http/protobuf", basic), pinned);
    const [a] = await skillRows(execlens.database.db, pinned[0]?.spanContext().traceId);
    expect(a?.organization_id).toBe(sourceIdToUuid("org-a"));

    const unscoped = await claimingOrgB();
    await exportWith(exporter(execlens, "grpc", `Bearer ${anyOrg.key}`), unscoped);
    const [b] = await skillRows(execlens.database.db, unscoped[0]?.spanContext().traceId);
    expect(b).toMatchObject({
      organization_id: sourceIdToUuid("org-b"),
      exec_attributes: { metadata: { source_ids: { organization_id: "org-b" } } },
    });
    expect(b?.exec_attributes).not.toHaveProperty("metadata.source_ids.span_organization_id");
  });

  it.each(PROTOCOLS)(
    "%s: without a key or with a wrong one, 401 / UNAUTHENTICATED, nothing stored or forwarded, counted",
    async (protocol) => {
      const before = await metricValue(execlens.apiUrl, refused);
      const refusedTraces: string[] = [];
      for (const authorization of [undefined, `Bearer ${stranger.key}`, "Bearer", `Basic ${orgA.key}`]) {
        const spans = await claimingOrgB();
        const traceId = spans[0]?.spanContext().traceId as string;
        refusedTraces.push(traceId);
        const failure = await exportWith(exporter(execlens, protocol, authorization), spans).then(
          () => undefined,
          (error: { code?: number }) => error,
        );
        expect(failure?.code, String(authorization)).toBe(
          protocol === "grpc" ? grpc.status.UNAUTHENTICATED : 401,
        );
        expect(await skillRows(execlens.database.db, traceId)).toEqual([]);
      }
      expect(await metricValue(execlens.apiUrl, refused)).toBe(before + 4);
      // an accepted request sent after them is forwarded; none of the refused ones were
      const marker = await claimingOrgB();
      await exportWith(exporter(execlens, protocol, `Bearer ${orgA.key}`), marker);
      const carries = (body: Buffer, traceId: string) =>
        body.includes(traceId) || body.includes(Buffer.from(traceId, "hex"));
      const markerId = marker[0]?.spanContext().traceId as string;
      while (!downstream.requests.some((r) => carries(r.body, markerId)))
        await new Promise((r) => setTimeout(r, 20));
      for (const traceId of refusedTraces) {
        expect(downstream.requests.some((r) => carries(r.body, traceId))).toBe(false);
      }
    },
  );

  it.each(["after", "before"] as const)(
    "a span sent with another tenant's key under a workflow's span (sent %s it) is not part of that workflow",
    async (order) => {
      // one trace, as when tenant A's service is called by tenant B's with B's traceparent
      const spans = await recordSpans((t) => {
        const workflow = t.start("workflow", { "workflow.name": "b-flow" });
        const foreign = t.start("skill", { "skill.name": "a-skill" }, workflow);
        foreign.setStatus({ code: 2, message: "tenant A's failure" });
        foreign.end();
        const own = t.start("skill", { "skill.name": "b-skill" }, workflow);
        own.end();
        workflow.end();
      });
      const traceId = spans[0]?.spanContext().traceId as string;
      const byName = (name: string) =>
        spans.filter((s) => s.name === name || s.attributes["skill.name"] === name);
      const sendB = () =>
        exportWith(exporter(execlens, "http/protobuf", `Bearer ${orgB.key}`), [
          ...byName("workflow"),
          ...byName("b-skill"),
        ]);
      const sendA = () =>
        exportWith(exporter(execlens, "http/protobuf", `Bearer ${orgA.key}`), byName("a-skill"));
      if (order === "after") {
        await sendB();
        await sendA();
      } else {
        await sendA();
        await sendB();
      }
      const [workflow] = await workflowRows(execlens.database.db, traceId);
      const skills = await skillRows(execlens.database.db, traceId);
      const a = skills.find((k) => k.exec_skill_name === "a-skill");
      const b = skills.find((k) => k.exec_skill_name === "b-skill");
      expect(workflow).toMatchObject({
        organization_id: sourceIdToUuid("org-b"),
        wkex_status: "completed",
        wkex_error_step: null,
        wkex_error_message: null,
      });
      expect(b).toMatchObject({ organization_id: sourceIdToUuid("org-b"), wkex_id: workflow?.wkex_id });
      expect(a).toMatchObject({
        organization_id: sourceIdToUuid("org-a"),
        wkex_id: null,
        exec_status: "failed",
      });
    },
  );

  it("answers a request without a key with a message that says what to send", async () => {
    const response = await fetch(execlens.tracesUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({
      code: 16,
      message: expect.stringContaining("Authorization: Bearer <key>"),
    });
    const health = await fetch(new URL("/readyz", execlens.apiUrl));
    expect(health.status).toBe(200);
  });
});
