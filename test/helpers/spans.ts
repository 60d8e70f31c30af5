import {
  type Attributes,
  type AttributeValue,
  emptyAttributes,
  type Span,
  type SpanKind,
  StatusCode,
} from "../../src/model/index.js";

export interface SpanSpec {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** The OTLP span flags' view of the parent (undefined: no flags sent). */
  readonly parentIsRemote?: boolean;
  readonly name: string;
  /** Milliseconds since the epoch; a fraction is kept down to the nanosecond. */
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes?: Record<string, AttributeValue>;
  readonly error?: string;
  readonly resource?: Record<string, AttributeValue>;
  /** SpanKind; INTERNAL unless given. */
  readonly kind?: SpanKind;
}

function attributes(values: Record<string, AttributeValue> = {}): Attributes {
  return Object.assign(emptyAttributes(), values);
}

function nanos(ms: number): bigint {
  const whole = Math.trunc(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1_000_000));
}

/** A span in the normalised model, as the decoders produce it. */
export function span(spec: SpanSpec): Span {
  return {
    traceId: spec.traceId,
    spanId: spec.spanId,
    parentSpanId: spec.parentSpanId,
    parentIsRemote: spec.parentIsRemote,
    traceState: "",
    name: spec.name,
    kind: spec.kind ?? 1,
    startTimeUnixNano: nanos(spec.startMs),
    endTimeUnixNano: nanos(spec.endMs),
    attributes: attributes(spec.attributes),
    events: [],
    links: [],
    status:
      spec.error === undefined
        ? { code: StatusCode.UNSET, message: "" }
        : { code: StatusCode.ERROR, message: spec.error },
    resource: attributes(spec.resource ?? { "service.name": "property-test" }),
    scope: { name: "property-test", version: "1", attributes: emptyAttributes() },
  };
}

/** A span lasting 50 ms from one fixed time, for tests where only the tree and the attributes matter. */
export function treeSpan(
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  name: string,
  attributes: Record<string, AttributeValue> = {},
): Span {
  const at = Date.parse("2026-03-02T10:00:00Z");
  return span({ traceId, spanId, parentSpanId, name, startMs: at, endMs: at + 50, attributes });
}
