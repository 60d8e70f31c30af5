import * as grpc from "@grpc/grpc-js";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Admission,
  DEFAULT_SPAN_LIMITS,
  type GrpcReceiver,
  startGrpcReceiver,
  type TracesConsumer,
} from "../src/collector/index.js";
import type { Span } from "../src/model/index.js";
import { grpcExport } from "./helpers/grpc-export.js";
import { recordSpans } from "./helpers/sdk.js";

/** A test sink in the place of the store (like the Collector's consumertest.TracesSink): it holds calls until released. */
class HeldSink implements TracesConsumer {
  readonly received: Span[][] = [];
  private release: () => void = () => undefined;
  private held = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  async consume(spans: readonly Span[]) {
    this.received.push([...spans]);
    await this.held;
    return { rejected: [], rowsWritten: 0 };
  }
  open(): void {
    this.release();
  }
}

describe("OTLP/gRPC status codes", () => {
  const sink = new HeldSink();
  let receiver: GrpcReceiver;
  let client: grpc.Client;
  let body: Uint8Array;

  beforeAll(async () => {
    receiver = await startGrpcReceiver(
      {
        context: { consumer: sink, limits: DEFAULT_SPAN_LIMITS, now: Date.now },
        admission: new Admission({ maxInflightBytes: 1, maxInflightSpans: 1 }),
        maxRequestBytes: 64 * 1024,
        ingestKeys: [],
      },
      "127.0.0.1",
      0,
    );
    client = new grpc.Client(`127.0.0.1:${receiver.port}`, grpc.credentials.createInsecure());
    const spans = await recordSpans((t) => t.start("skill", { "skill.name": "held" }).end());
    body = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
  });
  afterAll(async () => {
    sink.open();
    client?.close();
    await receiver?.close();
  });

  it("INVALID_ARGUMENT for a body that does not decode", async () => {
    const result = await grpcExport(client, new Uint8Array([0x0a, 0xff, 0xff, 0x03]));
    expect(result.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(result.details).toContain("could not decode");
  });

  it("RESOURCE_EXHAUSTED over the size limit", async () => {
    const result = await grpcExport(client, new Uint8Array(128 * 1024));
    expect(result.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("UNAVAILABLE with RetryInfo when busy, and OK once the held call completes", async () => {
    const first = grpcExport(client, body);
    await expect.poll(() => sink.received.length).toBe(1);
    const second = await grpcExport(client, body);
    expect(second.code).toBe(grpc.status.UNAVAILABLE);
    expect(second.details).toContain("busy");
    const details = second.metadata?.get("grpc-status-details-bin")[0] as Buffer;
    expect(details.toString("latin1")).toContain("type.googleapis.com/google.rpc.RetryInfo");
    sink.open();
    const done = await first;
    expect(done.code).toBe(grpc.status.OK);
    expect(done.response?.byteLength).toBe(0);
  });
});
