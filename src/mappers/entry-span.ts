import { type EntrySpanChange, type Span, SpanKind } from "../model/index.js";
import { SpanReader } from "./span-reader.js";
import type { Timing } from "./timing.js";

/** The request's client, in the stable HTTP conventions first, then the older ones. */
export const CLIENT_ADDRESS_KEYS = ["client.address", "http.client_ip"] as const;
export const USER_AGENT_KEYS = ["user_agent.original", "http.user_agent"] as const;

/**
 * A SERVER or CONSUMER span: where a request or a job entered the app. Executions it encloses take
 * its client and its name (the route or job) as their source; null for any other span.
 */
export function mapEntrySpan(span: Span, timing: Timing): EntrySpanChange | null {
  if (span.kind !== SpanKind.SERVER && span.kind !== SpanKind.CONSUMER) return null;
  const reader = new SpanReader(span);
  const method = reader.string("http.request.method", "http.method");
  const route = reader.string("http.route");
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    name: method !== null && route !== null ? `${method} ${route}` : span.name,
    startedAt: timing.startedAt,
    completedAt: timing.completedAt,
    clientAddress: reader.string(...CLIENT_ADDRESS_KEYS),
    userAgent: reader.string(...USER_AGENT_KEYS),
  };
}
