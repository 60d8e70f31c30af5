import { z } from "zod";
import { type ConfigOf, port, positiveInt, setting } from "../model/index.js";

/** The OTLP receivers' settings: ports, the size and admission limits, what a span may carry. */
export const collectorSettings = {
  otlpHttpPort: setting({
    env: "EXECLENS_OTLP_HTTP_PORT",
    flag: "otlp-http-port",
    schema: port,
    default: 4318,
    help: "OTLP/HTTP receiver (`POST /v1/traces`)",
  }),
  otlpGrpcPort: setting({
    env: "EXECLENS_OTLP_GRPC_PORT",
    flag: "otlp-grpc-port",
    schema: z.union([z.literal("off"), port]),
    default: 4317 as number | "off",
    help: "OTLP/gRPC receiver (`TraceService/Export`); `off`: none (gRPC is not even loaded)",
  }),
  maxRequestBytes: setting({
    env: "EXECLENS_MAX_REQUEST_BYTES",
    flag: "max-request-bytes",
    schema: positiveInt,
    default: 16 * 1024 * 1024,
    help: "largest OTLP body / gRPC message, after decompression",
  }),
  maxInflightBytes: setting({
    env: "EXECLENS_MAX_INFLIGHT_BYTES",
    flag: "max-inflight-bytes",
    schema: positiveInt,
    default: 16 * 1024 * 1024,
    help: "request bytes in flight before senders are told to retry",
  }),
  maxInflightSpans: setting({
    env: "EXECLENS_MAX_INFLIGHT_SPANS",
    flag: "max-inflight-spans",
    schema: positiveInt,
    default: 20_000,
    help: "spans in flight before senders are told to retry",
  }),
  maxSpansPerRequest: setting({
    env: "EXECLENS_MAX_SPANS_PER_REQUEST",
    flag: "max-spans-per-request",
    schema: positiveInt,
    default: 10_000,
    help: "spans taken from one request; the rest are rejected",
  }),
  maxAttributesPerSpan: setting({
    env: "EXECLENS_MAX_ATTRIBUTES_PER_SPAN",
    flag: "max-attributes-per-span",
    schema: positiveInt,
    default: 256,
    help: "attributes kept per span (and per resource)",
  }),
  maxAttributeValueBytes: setting({
    env: "EXECLENS_MAX_ATTRIBUTE_VALUE_BYTES",
    flag: "max-attribute-value-bytes",
    schema: positiveInt,
    default: 64 * 1024,
    help: "longest attribute value, in UTF-8 bytes",
  }),
};

export type CollectorConfig = ConfigOf<typeof collectorSettings>;

/** Spans starting further ahead than this are rejected (a clock far off, or garbage). */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
