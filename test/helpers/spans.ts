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
  readonly name: string;
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

/** A span in the normalised model, as the decoders produce it. */
export function span(spec: SpanSpec): Span {
  return {
    traceId: spec.traceId,
    spanId: spec.spanId,
    parentSpanId: spec.parentSpanId,
    traceState: "",
    name: spec.name,
    kind: spec.kind ?? 1,
    startTimeUnixNano: BigInt(spec.startMs) * 1_000_000n,
    endTimeUnixNano: BigInt(spec.endMs) * 1_000_000n,
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
