/**
 * The normalised span model every OTLP encoding is decoded into. Ids are lower-case hex,
 * times are bigint nanoseconds, attribute values keep their OTLP types (int64 as bigint
 * only when it does not fit a double exactly).
 */
export type AttributeValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | readonly AttributeValue[]
  | Attributes;

/** Created with a null prototype so that keys such as `__proto__` are plain data. */
export interface Attributes {
  readonly [key: string]: AttributeValue;
}

export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

export interface SpanEvent {
  readonly timeUnixNano: bigint;
  readonly name: string;
  readonly attributes: Attributes;
}

export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState: string;
  readonly attributes: Attributes;
}

export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: Attributes;
}

export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a root span. */
  readonly parentSpanId: string | undefined;
  /**
   * Whether the parent lives in another process (the span continues a caller's `traceparent`),
   * from the OTLP span flags (HAS_IS_REMOTE, IS_REMOTE); undefined when the sender does not say.
   */
  readonly parentIsRemote?: boolean;
  readonly traceState: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Attributes;
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  readonly status: { readonly code: StatusCode; readonly message: string };
  /** Shared by every span of one ResourceSpans. */
  readonly resource: Attributes;
  /** Shared by every span of one ScopeSpans. */
  readonly scope: InstrumentationScope;
  /** What execlens changed to store the span (values cut to the limits, …), for the row's metadata. */
  readonly normalisations?: readonly string[];
}

/** A span the decoder could not turn into the model, with the reason (reported as partial success). */
export interface RejectedSpan {
  readonly reason: string;
}

export interface DecodedRequest {
  readonly spans: Span[];
  readonly rejected: RejectedSpan[];
}

/** OTLP `Span.flags` bits (trace.proto, SpanFlags): bit 8 says whether bit 9 (the parent is remote) is known. */
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_CONTEXT_IS_REMOTE = 0x200;

export function parentIsRemoteFromFlags(flags: number): boolean | undefined {
  if ((flags & SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE) === 0) return undefined;
  return (flags & SPAN_FLAGS_CONTEXT_IS_REMOTE) !== 0;
}

export function emptyAttributes(): Attributes {
  return Object.create(null) as Attributes;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000 nor unpaired surrogates: such characters become
 * U+FFFD, so that no string an app sends can make a batch fail forever.
 */
export function storableString(value: string): string {
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", "\uFFFD") : wellFormed;
}

/**
 * The resource attribute execlens puts on its own spans. Such spans are never stored (see the
 * ingest stage), and a request of only such spans gets no ingest span: exporting execlens'
 * spans to execlens itself (directly or through a Collector) never feeds back.
 */
export const SELF_TELEMETRY_ATTRIBUTE = "execlens.self_telemetry";

export function isOwnSpan(span: Span): boolean {
  return span.resource[SELF_TELEMETRY_ATTRIBUTE] === true;
}
