import {
  type Attributes,
  type AttributeValue,
  type DecodedRequest,
  emptyAttributes,
  type InstrumentationScope,
  parentIsRemoteFromFlags,
  type RejectedSpan,
  type Span,
  type SpanEvent,
  type SpanKind,
  type SpanLink,
  type StatusCode,
  storableString,
} from "../model/index.js";
import { invalidIdReason } from "./ids.js";

/*
 * Decodes the OTLP/JSON encoding (protobuf JSON mapping: lowerCamelCase keys, hex ids, int64
 * as string or number, enums as integers) and, like the OpenTelemetry Collector, also accepts
 * snake_case keys and enum value names.
 */

export class JsonShapeError extends Error {}

type JsonObject = { readonly [key: string]: unknown };

const MAX_VALUE_DEPTH = 32;

const SPAN_KIND_NAMES: Record<string, SpanKind> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODE_NAMES: Record<string, StatusCode> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

export function decodeJsonRequest(text: string): DecodedRequest {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new JsonShapeError(`body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const request = asObject(root, "request");
  const spans: Span[] = [];
  const rejected: RejectedSpan[] = [];
  asArray(field(request, "resourceSpans", "resource_spans"), "resourceSpans").forEach((rs, i) => {
    const path = `resourceSpans[${i}]`;
    const resourceSpans = asObject(rs, path);
    const resourceObject = field(resourceSpans, "resource");
    const resource =
      resourceObject === undefined || resourceObject === null
        ? emptyAttributes()
        : readAttributes(asObject(resourceObject, `${path}.resource`).attributes, `${path}.resource`);
    asArray(field(resourceSpans, "scopeSpans", "scope_spans"), `${path}.scopeSpans`).forEach((ss, j) => {
      const scopePath = `${path}.scopeSpans[${j}]`;
      const scopeSpans = asObject(ss, scopePath);
      const scope = readScope(field(scopeSpans, "scope"), `${scopePath}.scope`);
      asArray(field(scopeSpans, "spans"), `${scopePath}.spans`).forEach((s, k) => {
        const span = readSpan(
          asObject(s, `${scopePath}.spans[${k}]`),
          `${scopePath}.spans[${k}]`,
          resource,
          scope,
        );
        if ("reason" in span) rejected.push(span);
        else spans.push(span);
      });
    });
  });
  return { spans, rejected };
}

function field(object: JsonObject, camel: string, snake?: string): unknown {
  const value = object[camel];
  return value === undefined && snake !== undefined ? object[snake] : value;
}

function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new JsonShapeError(`${path} must be an object`);
  }
  return value as JsonObject;
}

function asArray(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new JsonShapeError(`${path} must be an array`);
  return value;
}

function asString(value: unknown, path: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new JsonShapeError(`${path} must be a string`);
  return storableString(value);
}

function asNanos(value: unknown, path: string): bigint {
  if (value === undefined || value === null || value === "") return 0n;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^\d{1,20}$/.test(value)) return BigInt.asUintN(64, BigInt(value));
  throw new JsonShapeError(`${path} must be an unsigned integer (number or decimal string)`);
}

/** `Span.flags` is a fixed32: a number in JSON (a decimal string is taken too, as for other integers). */
function asFlags(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === "string" && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
  throw new JsonShapeError(`${path} must be an unsigned 32-bit integer`);
}

function asEnum<T extends number>(value: unknown, names: Record<string, T>, max: number, path: string): T {
  if (value === undefined || value === null) return 0 as T;
  if (typeof value === "number" && Number.isInteger(value))
    return (value >= 0 && value <= max ? value : 0) as T;
  if (typeof value === "string") {
    const named = names[value];
    if (named !== undefined) return named;
    if (/^\d+$/.test(value)) return asEnum(Number(value), names, max, path);
  }
  throw new JsonShapeError(`${path} must be an enum number or one of ${Object.keys(names).join(", ")}`);
}

function readHexId(value: unknown, path: string): string {
  return asString(value, path).toLowerCase();
}

function readScope(value: unknown, path: string): InstrumentationScope {
  if (value === undefined || value === null) return { name: "", version: "", attributes: emptyAttributes() };
  const scope = asObject(value, path);
  return {
    name: asString(scope.name, `${path}.name`),
    version: asString(scope.version, `${path}.version`),
    attributes: readAttributes(scope.attributes, path),
  };
}

function readSpan(
  span: JsonObject,
  path: string,
  resource: Attributes,
  scope: InstrumentationScope,
): Span | RejectedSpan {
  const name = asString(span.name, `${path}.name`);
  const traceId = readHexId(field(span, "traceId", "trace_id"), `${path}.traceId`);
  const spanId = readHexId(field(span, "spanId", "span_id"), `${path}.spanId`);
  const parentSpanId = readHexId(field(span, "parentSpanId", "parent_span_id"), `${path}.parentSpanId`);
  const bad =
    invalidIdReason(traceId, 16, "traceId") ??
    invalidIdReason(spanId, 8, "spanId") ??
    (parentSpanId === "" ? undefined : invalidIdReason(parentSpanId, 8, "parentSpanId"));
  if (bad) return { reason: `span ${JSON.stringify(name)}: ${bad}` };
  const statusObject =
    span.status === undefined || span.status === null ? {} : asObject(span.status, `${path}.status`);
  return {
    traceId,
    spanId,
    parentSpanId: parentSpanId === "" ? undefined : parentSpanId,
    parentIsRemote:
      parentSpanId === "" ? undefined : parentIsRemoteFromFlags(asFlags(span.flags, `${path}.flags`)),
    traceState: asString(field(span, "traceState", "trace_state"), `${path}.traceState`),
    name,
    kind: asEnum(span.kind, SPAN_KIND_NAMES, 5, `${path}.kind`),
    startTimeUnixNano: asNanos(
      field(span, "startTimeUnixNano", "start_time_unix_nano"),
      `${path}.startTimeUnixNano`,
    ),
    endTimeUnixNano: asNanos(field(span, "endTimeUnixNano", "end_time_unix_nano"), `${path}.endTimeUnixNano`),
    attributes: readAttributes(span.attributes, path),
    events: asArray(span.events, `${path}.events`).map((e, i) => readEvent(e, `${path}.events[${i}]`)),
    links: asArray(span.links, `${path}.links`).map((l, i) => readLink(l, `${path}.links[${i}]`)),
    status: {
      code: asEnum(statusObject.code, STATUS_CODE_NAMES, 2, `${path}.status.code`),
      message: asString(statusObject.message, `${path}.status.message`),
    },
    resource,
    scope,
  };
}

function readEvent(value: unknown, path: string): SpanEvent {
  const event = asObject(value, path);
  return {
    timeUnixNano: asNanos(field(event, "timeUnixNano", "time_unix_nano"), `${path}.timeUnixNano`),
    name: asString(event.name, `${path}.name`),
    attributes: readAttributes(event.attributes, path),
  };
}

function readLink(value: unknown, path: string): SpanLink {
  const link = asObject(value, path);
  return {
    traceId: readHexId(field(link, "traceId", "trace_id"), `${path}.traceId`),
    spanId: readHexId(field(link, "spanId", "span_id"), `${path}.spanId`),
    traceState: asString(field(link, "traceState", "trace_state"), `${path}.traceState`),
    attributes: readAttributes(link.attributes, path),
  };
}

function readAttributes(value: unknown, path: string, depth = 0): Attributes {
  const attributes: Record<string, AttributeValue> = Object.create(null);
  asArray(value, `${path}.attributes`).forEach((kv, i) => {
    const entry = asObject(kv, `${path}.attributes[${i}]`);
    const key = asString(entry.key, `${path}.attributes[${i}].key`);
    attributes[key] = readAnyValue(entry.value, `${path}.attributes[${i}].value`, depth);
  });
  return attributes;
}

function readAnyValue(value: unknown, path: string, depth: number): AttributeValue {
  if (value === undefined || value === null) return null;
  const any = asObject(value, path);
  const stringValue = field(any, "stringValue", "string_value");
  if (stringValue !== undefined) return asString(stringValue, path);
  const boolValue = field(any, "boolValue", "bool_value");
  if (boolValue !== undefined) {
    if (typeof boolValue !== "boolean") throw new JsonShapeError(`${path}.boolValue must be a boolean`);
    return boolValue;
  }
  const intValue = field(any, "intValue", "int_value");
  if (intValue !== undefined) return readInt64(intValue, `${path}.intValue`);
  const doubleValue = field(any, "doubleValue", "double_value");
  if (doubleValue !== undefined) return readDouble(doubleValue, `${path}.doubleValue`);
  const bytesValue = field(any, "bytesValue", "bytes_value");
  if (bytesValue !== undefined) return Buffer.from(asString(bytesValue, `${path}.bytesValue`), "base64");
  const arrayValue = field(any, "arrayValue", "array_value");
  if (arrayValue !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) return "[execlens: nested too deep]";
    const values =
      arrayValue === null ? [] : asArray(asObject(arrayValue, path).values, `${path}.arrayValue.values`);
    return values.map((v, i) => readAnyValue(v, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  const kvlistValue = field(any, "kvlistValue", "kvlist_value");
  if (kvlistValue !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) return "[execlens: nested too deep]";
    return kvlistValue === null
      ? emptyAttributes()
      : readAttributes(asObject(kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue`, depth + 1);
  }
  return null;
}

function readInt64(value: unknown, path: string): number | bigint {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d{1,20}$/.test(value)) {
    const big = BigInt.asIntN(64, BigInt(value));
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big;
  }
  throw new JsonShapeError(`${path} must be an integer (number or decimal string)`);
}

function readDouble(value: unknown, path: string): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  throw new JsonShapeError(`${path} must be a number`);
}

export function encodeJsonResponse(rejectedSpans: number, errorMessage: string): string {
  if (rejectedSpans === 0 && errorMessage === "") return "{}";
  return JSON.stringify({ partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } });
}
