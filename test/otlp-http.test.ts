import { gzipSync } from "node:zlib";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { describe, expect, it } from "vitest";
import { pglite } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { skillRows } from "./helpers/rows.js";
import { recordSpans } from "./helpers/sdk.js";

const LIMIT = 256 * 1024;

/** A trace whose step span has no parent: it cannot be mapped (a step belongs to its workflow). */
const unmappableTrace = () =>
  recordSpans((t) => {
    const orphanStep = t.start("orphan step", { "workflow.step.id": "s1" });
    const skill = t.start("skill ok", { "skill.name": "fine" }, orphanStep);
    skill.end();
    orphanStep.end();
  });

describe("OTLP/HTTP protocol", () => {
  const execlens = useExeclens(pglite, { maxRequestBytes: LIMIT });

  const post = (body: string | Uint8Array, headers: Record<string, string>) =>
    fetch(execlens.tracesUrl, { method: "POST", body, headers });

  it("answers 415 to other media types, naming the ones it takes", async () => {
    const response = await post("hello", { "content-type": "text/plain" });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      message: expect.stringContaining("application/x-protobuf"),
    });
  });

  it("answers 405 with Allow to GET", async () => {
    const response = await fetch(execlens.tracesUrl);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 400 with a Status in the request's encoding to a corrupt protobuf body", async () => {
    // resource_spans (field 1, length-delimited) claiming more bytes than the body has
    const response = await post(new Uint8Array([0x0a, 0xff, 0xff, 0x03, 0x01]), {
      "content-type": "application/x-protobuf",
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/x-protobuf");
    const body = Buffer.from(await response.arrayBuffer()).toString("latin1");
    expect(body).toContain("could not decode");
  });

  it("answers 400 to a corrupt or mis-shaped JSON body", async () => {
    const broken = await post('{"resourceSpans": [', { "content-type": "application/json" });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({
      code: 3,
      message: expect.stringContaining("not valid JSON"),
    });
    const misShaped = await post('{"resourceSpans": {"a": 1}}', { "content-type": "application/json" });
    expect(misShaped.status).toBe(400);
    expect(await misShaped.json()).toMatchObject({
      message: expect.stringContaining("resourceSpans must be an array"),
    });
  });

  it("answers 413 to a gzip body that inflates past the limit", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * LIMIT));
    expect(bomb.byteLength).toBeLessThan(LIMIT);
    const response = await post(bomb, {
      "content-type": "application/x-protobuf",
      "content-encoding": "gzip",
    });
    expect(response.status).toBe(413);
    expect(Buffer.from(await response.arrayBuffer()).toString("latin1")).toContain("after decompression");
  });

  it("answers 413 to a plain body over the limit", async () => {
    const response = await post(new Uint8Array(LIMIT + 1), { "content-type": "application/x-protobuf" });
    expect(response.status).toBe(413);
  });

  it("answers 200 to empty requests in both encodings", async () => {
    const protobuf = await post(new Uint8Array(0), { "content-type": "application/x-protobuf" });
    expect(protobuf.status).toBe(200);
    expect(new Uint8Array(await protobuf.arrayBuffer())).toHaveLength(0);
    const json = await post("{}", { "content-type": "application/json" });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});
  });

  it("reports unmappable spans as partial success in protobuf, in protobuf", async () => {
    const spans = await unmappableTrace();
    const body = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
    const response = await post(gzipSync(body), {
      "content-type": "application/x-protobuf",
      "content-encoding": "gzip",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-protobuf");
    const decoded = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await response.arrayBuffer()));
    expect(Number(decoded.partialSuccess?.rejectedSpans)).toBe(1);
    expect(decoded.partialSuccess?.errorMessage).toContain(
      "a step span must be a child of its workflow span",
    );
    // the skill under it is still stored
    const traceId = spans[0]?.spanContext().traceId as string;
    expect((await skillRows(execlens.database.db, traceId)).map((s) => s.exec_skill_name)).toEqual(["fine"]);
  });

  it("reports unmappable spans as partial success in JSON, in JSON", async () => {
    const spans = await unmappableTrace();
    const body = JsonTraceSerializer.serializeRequest(spans) as Uint8Array;
    const response = await post(body, { "content-type": "application/json" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const decoded = (await response.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(decoded.partialSuccess.rejectedSpans).toBe("1");
    expect(decoded.partialSuccess.errorMessage).toContain("orphan step");
  });

  it("rejects spans with invalid ids through partial success and keeps the others", async () => {
    const recorded = await recordSpans((t) => t.start("skill alone", { "skill.name": "alone" }).end());
    const json = JSON.parse(
      new TextDecoder().decode(JsonTraceSerializer.serializeRequest(recorded) as Uint8Array),
    );
    const spans = json.resourceSpans[0].scopeSpans[0].spans;
    spans.push({ ...spans[0], spanId: "0000000000000000" }, { ...spans[0], traceId: "abc" });
    const response = await post(JSON.stringify(json), { "content-type": "application/json" });
    expect(response.status).toBe(200);
    const decoded = (await response.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(decoded.partialSuccess.rejectedSpans).toBe("2");
    expect(decoded.partialSuccess.errorMessage).toContain("spanId is all zeroes");
    expect(decoded.partialSuccess.errorMessage).toContain("traceId must be 16 bytes");
    const traceId = recorded[0]?.spanContext().traceId as string;
    expect(await skillRows(execlens.database.db, traceId)).toHaveLength(1);
  });

  it("accepts snake_case keys and enum names like the Collector", async () => {
    const traceId = "5b8efff798038103d269b633813fc60c";
    const body = {
      resource_spans: [
        {
          resource: { attributes: [{ key: "service.name", value: { string_value: "snake" } }] },
          scope_spans: [
            {
              spans: [
                {
                  trace_id: traceId,
                  span_id: "eee19b7ec3c1b174",
                  name: "skill snake",
                  kind: "SPAN_KIND_INTERNAL",
                  start_time_unix_nano: 1_700_000_000_000_000_000,
                  end_time_unix_nano: "1700000000500000000",
                  attributes: [{ key: "skill.name", value: { string_value: "snake" } }],
                  status: { code: "STATUS_CODE_ERROR", message: "Deadline exceeded" },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await post(JSON.stringify(body), { "content-type": "application/json; charset=utf-8" });
    expect(response.status).toBe(200);
    const [skill] = await skillRows(execlens.database.db, traceId);
    expect(skill).toMatchObject({ exec_skill_name: "snake", exec_status: "timeout", exec_duration_ms: 500 });
  });
});
