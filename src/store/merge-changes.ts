import type { ExecutionChanges } from "../model/index.js";

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Several batches' changes as one, each row once: one multi-row upsert cannot touch a row twice,
 * and a re-delivered span maps to the same row.
 */
export function mergeChanges(batches: readonly ExecutionChanges[]): ExecutionChanges {
  if (batches.length === 1) return batches[0] as ExecutionChanges;
  return {
    nodes: uniqueBy(
      batches.flatMap((b) => b.nodes),
      (n) => `${n.traceId}:${n.spanId}`,
    ),
    workflows: uniqueBy(
      batches.flatMap((b) => b.workflows),
      (w) => w.wkexId,
    ),
    candidates: uniqueBy(
      batches.flatMap((b) => b.candidates),
      (w) => w.wkexId,
    ),
    llmCalls: uniqueBy(
      batches.flatMap((b) => b.llmCalls),
      (c) => `${c.traceId}:${c.spanId}`,
    ),
    clientCalls: uniqueBy(
      batches.flatMap((b) => b.clientCalls),
      (c) => `${c.traceId}:${c.spanId}`,
    ),
    steps: uniqueBy(
      batches.flatMap((b) => b.steps),
      (s) => s.wstpId,
    ),
    skills: uniqueBy(
      batches.flatMap((b) => b.skills),
      (s) => s.execId,
    ),
    rejected: batches.flatMap((b) => b.rejected),
  };
}
