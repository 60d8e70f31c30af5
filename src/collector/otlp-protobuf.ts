import protobuf from "protobufjs/minimal.js";
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
} from "../model/index.js";
import { invalidDecodedIdReason } from "./ids.js";

/*
 * Decodes opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest straight into the
 * span model with protobufjs' Reader: no intermediate message objects. Field numbers are the
 * ones of opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto).
 */

const { Reader, Writer } = protobuf;
/**
 * protobufjs' reader, plus the body as a Buffer: strings and ids are decoded from it in place,
 * where `reader.bytes()` and `Buffer.from` would make a view object per field.
 */
type ProtoReader = protobuf.Reader & { readonly body: Buffer; readonly view: DataView };

/** A span under construction: its scope and resource are set once their messages are read. */
type DecodingSpan = { -readonly [K in keyof Span]: Span[K] };

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Nesting bound for AnyValue arrays and kvlists; deeper values are cut with a marker. */
const MAX_VALUE_DEPTH = 32;

export function decodeProtobufRequest(body: Uint8Array): DecodedRequest {
  const reader: ProtoReader = Object.assign(Reader.create(body), {
    body: asBuffer(body),
    view: new DataView(body.buffer, body.byteOffset, body.byteLength),
  });
  const spans: Span[] = [];
  const rejected: RejectedSpan[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LEN) {
      readResourceSpans(reader, messageEnd(reader), spans, rejected);
    } else {
      skipField(reader, tag);
    }
  }
  return { spans, rejected };
}

function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * A string field as UTF-8 (invalid sequences become U+FFFD), storable in PostgreSQL: decoded
 * UTF-8 is always well-formed, so only U+0000 is left to replace (as storableString would).
 */
function readString(reader: ProtoReader): string {
  const length = reader.uint32();
  const start = reader.pos;
  const end = start + length;
  if (end > reader.len)
    throw new RangeError(`string length runs past the end of the body at offset ${start}`);
  reader.pos = end;
  const text = reader.body.toString("utf8", start, end);
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}

/** A bytes field (trace or span id) as lower-case hex. */
function readHex(reader: ProtoReader): string {
  const at = reader.pos;
  const length = reader.uint32();
  const start = reader.pos;
  if (start + length > reader.len) {
    // throws protobufjs' own out-of-range error, as for any other field
    reader.pos = at;
    reader.bytes();
  }
  reader.pos = start + length;
  return reader.body.toString("hex", start, start + length);
}

/** Reads a length prefix and returns where that message ends, refusing lengths past the buffer. */
function messageEnd(reader: ProtoReader): number {
  const end = reader.uint32() + reader.pos;
  if (end > reader.len)
    throw new RangeError(`message length runs past the end of the body at offset ${reader.pos}`);
  return end;
}

function skipField(reader: ProtoReader, tag: number): void {
  reader.skipType(tag & 7);
}

function expectWire(tag: number, wire: number, what: string): void {
  if ((tag & 7) !== wire) throw new Error(`${what} has wire type ${tag & 7}, expected ${wire}`);
}

function readResourceSpans(reader: ProtoReader, end: number, spans: Span[], rejected: RejectedSpan[]): void {
  let resource = emptyAttributes();
  // Resource may come after its scope spans on the wire, so spans are finished at the end.
  const pending: DecodingSpan[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        expectWire(tag, WIRE_LEN, "resource");
        resource = readResource(reader, messageEnd(reader));
        break;
      case 2:
        expectWire(tag, WIRE_LEN, "scope_spans");
        readScopeSpans(reader, messageEnd(reader), pending, rejected);
        break;
      default:
        skipField(reader, tag);
    }
  }
  for (const span of pending) {
    span.resource = resource;
    spans.push(span);
  }
}

function readResource(reader: ProtoReader, end: number): Attributes {
  const attributes: Record<string, AttributeValue> = Object.create(null);
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) {
      expectWire(tag, WIRE_LEN, "resource.attributes");
      readKeyValue(reader, messageEnd(reader), attributes, 0);
    } else {
      skipField(reader, tag);
    }
  }
  return attributes;
}

function readScopeSpans(
  reader: ProtoReader,
  end: number,
  out: DecodingSpan[],
  rejected: RejectedSpan[],
): void {
  let scope: InstrumentationScope = { name: "", version: "", attributes: emptyAttributes() };
  // Scope may come after its spans on the wire too.
  const spans: DecodingSpan[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        expectWire(tag, WIRE_LEN, "scope");
        scope = readScope(reader, messageEnd(reader));
        break;
      case 2: {
        expectWire(tag, WIRE_LEN, "span");
        const span = readSpan(reader, messageEnd(reader));
        if ("reason" in span) rejected.push(span);
        else spans.push(span);
        break;
      }
      default:
        skipField(reader, tag);
    }
  }
  for (const span of spans) {
    span.scope = scope;
    out.push(span);
  }
}

function readScope(reader: ProtoReader, end: number): InstrumentationScope {
  let name = "";
  let version = "";
  const attributes: Record<string, AttributeValue> = Object.create(null);
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        name = readString(reader);
        break;
      case 2:
        version = readString(reader);
        break;
      case 3:
        expectWire(tag, WIRE_LEN, "scope.attributes");
        readKeyValue(reader, messageEnd(reader), attributes, 0);
        break;
      default:
        skipField(reader, tag);
    }
  }
  return { name, version, attributes };
}

function readFixed64(reader: ProtoReader): bigint {
  if (reader.pos + 8 <= reader.len) {
    // one bigint made, where combining two halves makes four
    const value = reader.view.getBigUint64(reader.pos, true);
    reader.pos += 8;
    return value;
  }
  const lo = reader.fixed32();
  const hi = reader.fixed32();
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Placeholders until the span's ScopeSpans and ResourceSpans are read whole. */
const UNREAD_SCOPE: InstrumentationScope = { name: "", version: "", attributes: emptyAttributes() };
const UNREAD_RESOURCE = emptyAttributes();

function readSpan(reader: ProtoReader, end: number): DecodingSpan | RejectedSpan {
  let traceId = "";
  let spanId = "";
  let parentSpanId = "";
  let traceState = "";
  let name = "";
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes: Record<string, AttributeValue> = Object.create(null);
  const events: SpanEvent[] = [];
  const links: SpanLink[] = [];
  let status: Span["status"] = { code: 0, message: "" };
  let flags = 0;
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        traceId = readHex(reader);
        break;
      case 2:
        spanId = readHex(reader);
        break;
      case 3:
        traceState = readString(reader);
        break;
      case 4:
        parentSpanId = readHex(reader);
        break;
      case 5:
        name = readString(reader);
        break;
      case 6:
        kind = reader.int32();
        break;
      case 7:
        expectWire(tag, WIRE_FIXED64, "start_time_unix_nano");
        startTimeUnixNano = readFixed64(reader);
        break;
      case 8:
        expectWire(tag, WIRE_FIXED64, "end_time_unix_nano");
        endTimeUnixNano = readFixed64(reader);
        break;
      case 9:
        expectWire(tag, WIRE_LEN, "span.attributes");
        readKeyValue(reader, messageEnd(reader), attributes, 0);
        break;
      case 11:
        expectWire(tag, WIRE_LEN, "span.events");
        events.push(readEvent(reader, messageEnd(reader)));
        break;
      case 13:
        expectWire(tag, WIRE_LEN, "span.links");
        links.push(readLink(reader, messageEnd(reader)));
        break;
      case 15:
        expectWire(tag, WIRE_LEN, "span.status");
        status = readStatus(reader, messageEnd(reader));
        break;
      case 16:
        expectWire(tag, WIRE_FIXED32, "span.flags");
        flags = reader.fixed32();
        break;
      default:
        skipField(reader, tag);
    }
  }
  const bad =
    invalidDecodedIdReason(traceId, 16, "trace_id") ??
    invalidDecodedIdReason(spanId, 8, "span_id") ??
    (parentSpanId === "" ? undefined : invalidDecodedIdReason(parentSpanId, 8, "parent_span_id"));
  if (bad) return { reason: `span ${JSON.stringify(name)}: ${bad}` };
  return {
    traceId,
    spanId,
    parentSpanId: parentSpanId === "" ? undefined : parentSpanId,
    parentIsRemote: parentSpanId === "" ? undefined : parentIsRemoteFromFlags(flags),
    traceState,
    name,
    kind: (kind >= 0 && kind <= 5 ? kind : 0) as SpanKind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    events,
    links,
    status,
    // the key order of the spans this decoder has always made
    scope: UNREAD_SCOPE,
    resource: UNREAD_RESOURCE,
  };
}

function readEvent(reader: ProtoReader, end: number): SpanEvent {
  let timeUnixNano = 0n;
  let name = "";
  const attributes: Record<string, AttributeValue> = Object.create(null);
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        expectWire(tag, WIRE_FIXED64, "event.time_unix_nano");
        timeUnixNano = readFixed64(reader);
        break;
      case 2:
        name = readString(reader);
        break;
      case 3:
        expectWire(tag, WIRE_LEN, "event.attributes");
        readKeyValue(reader, messageEnd(reader), attributes, 0);
        break;
      default:
        skipField(reader, tag);
    }
  }
  return { timeUnixNano, name, attributes };
}

function readLink(reader: ProtoReader, end: number): SpanLink {
  let traceId = "";
  let spanId = "";
  let traceState = "";
  const attributes: Record<string, AttributeValue> = Object.create(null);
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        traceId = readHex(reader);
        break;
      case 2:
        spanId = readHex(reader);
        break;
      case 3:
        traceState = readString(reader);
        break;
      case 4:
        expectWire(tag, WIRE_LEN, "link.attributes");
        readKeyValue(reader, messageEnd(reader), attributes, 0);
        break;
      default:
        skipField(reader, tag);
    }
  }
  return { traceId, spanId, traceState, attributes };
}

function readStatus(reader: ProtoReader, end: number): Span["status"] {
  let code = 0;
  let message = "";
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 2:
        message = readString(reader);
        break;
      case 3:
        code = reader.int32();
        break;
      default:
        skipField(reader, tag);
    }
  }
  return { code: (code >= 0 && code <= 2 ? code : 0) as StatusCode, message };
}

function readKeyValue(
  reader: ProtoReader,
  end: number,
  into: Record<string, AttributeValue>,
  depth: number,
): void {
  let key = "";
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        key = readString(reader);
        break;
      case 2:
        expectWire(tag, WIRE_LEN, "key_value.value");
        value = readAnyValue(reader, messageEnd(reader), depth);
        break;
      default:
        skipField(reader, tag);
    }
  }
  into[key] = value;
}

/** Varints of up to this many bytes hold at most 49 bits: a non-negative number, exact. */
const SMALL_VARINT_BYTES = 7;

/** int64 as a number when exact, else as a bigint. */
function readInt64(reader: ProtoReader): number | bigint {
  // most are counts and orders: read as numbers, without a bigint per byte
  const start = reader.pos;
  let value = 0;
  for (let i = 0; i < SMALL_VARINT_BYTES && reader.pos < reader.len; i++) {
    const byte = reader.buf[reader.pos++] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return value;
  }
  reader.pos = start;
  return readLongInt64(reader);
}

/** readInt64 of a varint longer than SMALL_VARINT_BYTES (or cut short). */
function readLongInt64(reader: ProtoReader): number | bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (reader.pos >= reader.len) throw new RangeError("truncated varint");
    const byte = reader.buf[reader.pos++] as number;
    result |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) break;
    shift += 7n;
    if (shift > 63n) throw new RangeError("varint longer than 10 bytes");
  }
  const signed = BigInt.asIntN(64, result);
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(signed)
    : signed;
}

function readAnyValue(reader: ProtoReader, end: number, depth: number): AttributeValue {
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        value = readString(reader);
        break;
      case 2:
        value = reader.bool();
        break;
      case 3:
        expectWire(tag, WIRE_VARINT, "int_value");
        value = readInt64(reader);
        break;
      case 4:
        expectWire(tag, WIRE_FIXED64, "double_value");
        value = reader.double();
        break;
      case 5: {
        expectWire(tag, WIRE_LEN, "array_value");
        const arrayEnd = messageEnd(reader);
        if (depth >= MAX_VALUE_DEPTH) {
          reader.pos = arrayEnd;
          value = "[execlens: nested too deep]";
          break;
        }
        const values: AttributeValue[] = [];
        while (reader.pos < arrayEnd) {
          const inner = reader.uint32();
          if (inner >>> 3 === 1 && (inner & 7) === WIRE_LEN) {
            values.push(readAnyValue(reader, messageEnd(reader), depth + 1));
          } else {
            skipField(reader, inner);
          }
        }
        value = values;
        break;
      }
      case 6: {
        expectWire(tag, WIRE_LEN, "kvlist_value");
        const listEnd = messageEnd(reader);
        if (depth >= MAX_VALUE_DEPTH) {
          reader.pos = listEnd;
          value = "[execlens: nested too deep]";
          break;
        }
        const entries: Record<string, AttributeValue> = Object.create(null);
        while (reader.pos < listEnd) {
          const inner = reader.uint32();
          if (inner >>> 3 === 1 && (inner & 7) === WIRE_LEN) {
            readKeyValue(reader, messageEnd(reader), entries, depth + 1);
          } else {
            skipField(reader, inner);
          }
        }
        value = entries;
        break;
      }
      case 7:
        value = reader.bytes();
        break;
      default:
        skipField(reader, tag);
    }
  }
  return value;
}

export function encodeProtobufResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const writer = Writer.create();
  if (rejectedSpans > 0 || errorMessage !== "") {
    writer.uint32((1 << 3) | WIRE_LEN).fork();
    if (rejectedSpans > 0) writer.uint32((1 << 3) | WIRE_VARINT).int64(rejectedSpans);
    if (errorMessage !== "") writer.uint32((2 << 3) | WIRE_LEN).string(errorMessage);
    writer.ldelim();
  }
  return writer.finish();
}
