import type { ClientCallChange, ClientCallKind, JsonObject, JsonValue } from "../model/index.js";
import type { SpanFacts } from "./conventions/index.js";
import { SpanReader } from "./span-reader.js";
import type { Timing } from "./timing.js";

/** Longest query or output kept (as JSON text) in a retrieval's, guardrail's or evaluation's detail. */
const DETAIL_CHARS = 1000;

function clipped(value: JsonValue): JsonValue {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (text.length <= DETAIL_CHARS) return value;
  return `${text.slice(0, DETAIL_CHARS)}…`;
}

/** What a retrieval, guardrail or evaluation did; null for db and http calls. */
function detailOf(kind: ClientCallKind, facts: SpanFacts): JsonObject | null {
  if (kind === "db" || kind === "http") return null;
  const detail: JsonObject = { type: facts.operation() ?? kind, name: facts.span.name };
  const query = facts.value("query");
  const documents = facts.number("documents");
  const result = facts.value("result");
  if (query !== undefined) detail.query = clipped(query);
  if (documents !== null) detail.documents = documents;
  if (result !== undefined) detail.output = clipped(result);
  return detail;
}

/** A client call of its workflow: a db or http call, or a retrieval, guardrail or evaluation. */
export function mapClientCall(
  kind: ClientCallKind,
  facts: SpanFacts,
  timing: Timing | undefined,
): ClientCallChange {
  return {
    traceId: facts.span.traceId,
    spanId: facts.span.spanId,
    kind,
    startedAt: timing?.startedAt ?? null,
    completedAt: timing?.completedAt ?? null,
    durationMs: timing?.durationMs ?? null,
    cacheHit: new SpanReader(facts.span).boolean("cache.hit"),
    detail: detailOf(kind, facts),
  };
}
