import type { Attributes, AttributeValue, DecodedRequest, RejectedSpan, Span } from "../model/index.js";
import { collectorSettings, MAX_FUTURE_SKEW_MS } from "./config.js";

/** What one request and one span may carry; past these, values are cut or spans rejected. */
export interface SpanLimits {
  readonly maxSpansPerRequest: number;
  readonly maxAttributesPerSpan: number;
  /** Longest string attribute value, in UTF-8 bytes; longer ones are cut with a marker. */
  readonly maxAttributeValueBytes: number;
  /** How far in the future a span may start (clock skew); later ones are rejected. */
  readonly maxFutureSkewMs: number;
}

export const DEFAULT_SPAN_LIMITS: SpanLimits = {
  maxSpansPerRequest: collectorSettings.maxSpansPerRequest.default,
  maxAttributesPerSpan: collectorSettings.maxAttributesPerSpan.default,
  maxAttributeValueBytes: collectorSettings.maxAttributeValueBytes.default,
  maxFutureSkewMs: MAX_FUTURE_SKEW_MS,
};

/**
 * Applies the limits to a decoded request. Over-long values are cut (never the span: the cut
 * value ends with a marker naming the original size, and the row's metadata says so); spans
 * past the per-request limit or starting too far in the future are rejected with a reason.
 */
export function applyLimits(request: DecodedRequest, limits: SpanLimits, nowMs: number): DecodedRequest {
  const rejected: RejectedSpan[] = [...request.rejected];
  const spans: Span[] = [];
  const latestStart = BigInt(nowMs + limits.maxFutureSkewMs) * 1_000_000n;
  const resources = new WeakMap<Attributes, Attributes>();
  for (const [index, span] of request.spans.entries()) {
    if (index >= limits.maxSpansPerRequest) {
      rejected.push({
        reason: `request has ${request.spans.length} spans, more than the limit of ${limits.maxSpansPerRequest}; span ${span.spanId} rejected`,
      });
      continue;
    }
    if (span.startTimeUnixNano > latestStart) {
      rejected.push({
        reason: `span ${JSON.stringify(span.name)} (${span.spanId}) starts more than ${limits.maxFutureSkewMs} ms in the future`,
      });
      continue;
    }
    const notes: string[] = [];
    const attributes = limitAttributes(span.attributes, limits, notes, "span");
    let resource = resources.get(span.resource);
    if (resource === undefined) {
      resource = limitAttributes(span.resource, limits, [], "resource");
      resources.set(span.resource, resource);
    }
    spans.push(
      notes.length === 0 && resource === span.resource && attributes === span.attributes
        ? span
        : { ...span, attributes, resource, normalisations: notes },
    );
  }
  return { spans, rejected };
}

function limitAttributes(
  attributes: Attributes,
  limits: SpanLimits,
  notes: string[],
  what: string,
): Attributes {
  const keys = Object.keys(attributes);
  const kept = Math.min(keys.length, limits.maxAttributesPerSpan);
  // copied only once something changes: most spans are within every limit
  let out: Record<string, AttributeValue> | undefined;
  for (let i = 0; i < kept; i++) {
    const key = keys[i] as string;
    const value = attributes[key] as AttributeValue;
    const limited = limitValue(value, limits.maxAttributeValueBytes);
    if (limited !== value) {
      out ??= firstAttributes(attributes, keys, i);
      notes.push(`${what} attribute ${key} was cut to ${limits.maxAttributeValueBytes} bytes`);
    }
    if (out !== undefined) out[key] = limited;
  }
  if (keys.length > kept) {
    out ??= firstAttributes(attributes, keys, kept);
    notes.push(
      `${what} had ${keys.length} attributes; ${keys.length - limits.maxAttributesPerSpan} past the limit of ${limits.maxAttributesPerSpan} were dropped`,
    );
  }
  return out ?? attributes;
}

/** A copy of the first `count` of `keys` of `attributes`. */
function firstAttributes(
  attributes: Attributes,
  keys: readonly string[],
  count: number,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = Object.create(null);
  for (let i = 0; i < count; i++) out[keys[i] as string] = attributes[keys[i] as string] as AttributeValue;
  return out;
}

function limitValue(value: AttributeValue, maxBytes: number): AttributeValue {
  if (typeof value === "string") {
    // A UTF-16 unit is at most 3 UTF-8 bytes: most strings are cleared without measuring.
    if (value.length * 3 <= maxBytes) return value;
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes <= maxBytes) return value;
    const cut = Buffer.from(value, "utf8")
      .subarray(0, maxBytes)
      .toString("utf8")
      .replace(/\uFFFD$/, "");
    return `${cut}…[execlens: truncated, original ${bytes} bytes]`;
  }
  if (value instanceof Uint8Array) {
    return value.byteLength <= maxBytes
      ? value
      : `[execlens: ${value.byteLength} bytes of binary value dropped]`;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const limited = limitValue(item, maxBytes);
      if (limited !== item) changed = true;
      return limited;
    });
    return changed ? items : value;
  }
  if (typeof value === "object" && value !== null) {
    let changed = false;
    const out: Record<string, AttributeValue> = Object.create(null);
    for (const [key, inner] of Object.entries(value)) {
      const limited = limitValue(inner, maxBytes);
      if (limited !== inner) changed = true;
      out[key] = limited;
    }
    return changed ? out : value;
  }
  return value;
}
