import { z } from "zod";
import { accessKeys, type ConfigOf, flagBoolean, port, positiveInt, setting } from "../model/index.js";

/** The OTLP receivers' settings: ports, keys, the size and admission limits, what a span may carry. */
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
  ingestKeys: setting({
    env: "EXECLENS_INGEST_KEYS",
    flag: "ingest-keys",
    schema: accessKeys.superRefine((keys, ctx) => {
      const index = keys.findIndex((key) => key.organizations !== "*" && key.organizations.length !== 1);
      if (index >= 0) {
        ctx.addIssue({
          code: "custom",
          message: `entry ${index + 1} names several organisations: an ingest key pins one (sha256:<hex>=<org>) or none (sha256:<hex>=*)`,
        });
      }
    }),
    default: [],
    secret: true,
    help: "OTLP ingest keys, hashed: `sha256:<hex>=<org>` (rows stored under that organisation) or `sha256:<hex>=*`, separated by `;` (none: ingest is open)",
  }),
  allowOpenIngest: setting({
    env: "EXECLENS_ALLOW_OPEN_INGEST",
    flag: "allow-open-ingest",
    schema: flagBoolean,
    default: false,
    bare: true,
    help: "`true`: receive OTLP without `EXECLENS_INGEST_KEYS` on a non-loopback `EXECLENS_HOST` (otherwise execlens refuses to start)",
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
