import { SpanStatusCode, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { describe, expect, it } from "vitest";
import { decodeJsonRequest, decodeProtobufRequest } from "../src/collector/index.js";
import { recordSpans } from "./helpers/sdk.js";

const spans = await recordSpans((t) => {
  const parent = t.start("parent", {
    "skill.name": "s",
    count: 42,
    ratio: 0.5,
    ok: true,
    tags: ["a", "b"],
    ns: [1, 2],
  });
  const child = t.start("child", {}, parent);
  child.addEvent("exception", { "exception.type": "TimeoutError", "exception.message": "took too long" });
  child.addLink({ context: parent.spanContext(), attributes: { why: "retry" } });
  child.setStatus({ code: SpanStatusCode.ERROR, message: "boom" });
  child.end();
  parent.end();
});

describe("OTLP decoders", () => {
  it("decode the real exporters' protobuf and JSON into the same spans", () => {
    const fromProtobuf = decodeProtobufRequest(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
    const fromJson = decodeJsonRequest(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));
    expect(fromProtobuf.rejected).toEqual([]);
    expect(fromJson).toEqual(fromProtobuf);
    const child = fromProtobuf.spans.find((s) => s.name === "child");
    const parent = fromProtobuf.spans.find((s) => s.name === "parent");
    expect(child?.parentSpanId).toBe(parent?.spanId);
    expect(child?.traceId).toBe(spans[0]?.spanContext().traceId);
    expect(child?.status).toEqual({ code: 2, message: "boom" });
    expect(child?.events[0]?.attributes["exception.type"]).toBe("TimeoutError");
    expect(child?.links[0]).toMatchObject({ spanId: parent?.spanId, attributes: { why: "retry" } });
    expect({ ...parent?.attributes }).toEqual({
      "skill.name": "s",
      count: 42,
      ratio: 0.5,
      ok: true,
      tags: ["a", "b"],
      ns: [1, 2],
    });
    expect(parent?.resource["service.name"]).toBe("sdk-test");
    expect(parent?.scope.name).toBe("sdk-test");
    const sdkParent = spans.find((s) => s.name === "parent");
    const [seconds, nanos] = sdkParent?.startTime ?? [0, 0];
    expect(parent?.startTimeUnixNano).toBe(BigInt(seconds) * 1_000_000_000n + BigInt(nanos));
  });

  it("read the span flags: a span continuing a caller's traceparent has a remote parent, a local child does not", async () => {
    const remote = await recordSpans((t) => {
      const caller = trace.wrapSpanContext({
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        spanId: "00f067aa0ba902b7",
        traceFlags: 1,
        isRemote: true,
      });
      const server = t.start("POST /chat", {}, caller);
      const inner = t.start("inner", {}, server);
      inner.end();
      server.end();
    });
    for (const decoded of [
      decodeProtobufRequest(ProtobufTraceSerializer.serializeRequest(remote) as Uint8Array),
      decodeJsonRequest(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(remote))),
    ]) {
      const byName = new Map(decoded.spans.map((s) => [s.name, s]));
      expect(byName.get("POST /chat")).toMatchObject({
        parentSpanId: "00f067aa0ba902b7",
        parentIsRemote: true,
      });
      expect(byName.get("inner")?.parentIsRemote).toBe(false);
    }
    const root = decodeProtobufRequest(
      ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array,
    ).spans.find((s) => s.name === "parent");
    expect(root?.parentIsRemote).toBeUndefined();
  });

  it("treats spans without flags (older exporters) as not saying whether the parent is remote", () => {
    const decoded = decodeJsonRequest(
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: "5b8efff798038103d269b633813fc60c",
                    spanId: "eee19b7ec3c1b174",
                    parentSpanId: "eee19b7ec3c1b173",
                    name: "a",
                    flags: 0,
                  },
                  {
                    traceId: "5b8efff798038103d269b633813fc60c",
                    spanId: "eee19b7ec3c1b175",
                    parentSpanId: "eee19b7ec3c1b173",
                    name: "b",
                  },
                  {
                    traceId: "5b8efff798038103d269b633813fc60c",
                    spanId: "eee19b7ec3c1b176",
                    parentSpanId: "eee19b7ec3c1b173",
                    name: "c",
                    flags: 0x301,
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(decoded.spans.map((s) => s.parentIsRemote)).toEqual([undefined, undefined, true]);
    expect(() =>
      decodeJsonRequest(
        JSON.stringify({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: "5b8efff798038103d269b633813fc60c",
                      spanId: "eee19b7ec3c1b174",
                      parentSpanId: "eee19b7ec3c1b173",
                      flags: -1,
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ),
    ).toThrow(/flags must be an unsigned 32-bit integer/);
  });

  it("keeps int64 values that a double cannot hold exactly as bigint", () => {
    const body = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: "5B8EFFF798038103D269B633813FC60C",
                  spanId: "EEE19B7EC3C1B174",
                  name: "big",
                  startTimeUnixNano: "18446744073709551615",
                  attributes: [
                    { key: "big", value: { intValue: "9223372036854775807" } },
                    { key: "small", value: { intValue: 7 } },
                    { key: "bytes", value: { bytesValue: "AQID" } },
                    {
                      key: "map",
                      value: { kvlistValue: { values: [{ key: "__proto__", value: { stringValue: "x" } }] } },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const [span] = decodeJsonRequest(JSON.stringify(body)).spans;
    expect(span?.traceId).toBe("5b8efff798038103d269b633813fc60c");
    expect(span?.startTimeUnixNano).toBe(18446744073709551615n);
    expect(span?.attributes.big).toBe(9223372036854775807n);
    expect(span?.attributes.small).toBe(7);
    expect(span?.attributes.bytes).toEqual(Buffer.from([1, 2, 3]));
    expect(Object.keys(span?.attributes.map as object)).toEqual(["__proto__"]);
  });
});
