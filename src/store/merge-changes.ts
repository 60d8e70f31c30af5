import type { ExecutionChanges } from "../model/index.js";

const bySpan = (c: { traceId: string; spanId: string }) => `${c.traceId}:${c.spanId}`;

/** What names a row of each kind of change: one multi-row upsert cannot touch a row twice. */
const ROW_KEYS: {
  readonly [K in Exclude<keyof ExecutionChanges, "rejected">]: (item: ExecutionChanges[K][number]) => string;
} = {
  nodes: bySpan,
  workflows: (w) => w.wkexId,
  candidates: (w) => w.wkexId,
  llmCalls: bySpan,
  clientCalls: bySpan,
  entrySpans: bySpan,
  steps: (s) => s.wstpId,
  skills: (s) => s.execId,
};

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
 * Several batches' changes as one, each row once (a re-delivered span maps to the same row);
 * rejections are all kept.
 */
export function mergeChanges(batches: readonly ExecutionChanges[]): ExecutionChanges {
  if (batches.length === 1) return batches[0] as ExecutionChanges;
  const merged: Record<string, unknown[]> = { rejected: batches.flatMap((b) => b.rejected) };
  for (const [kind, key] of Object.entries(ROW_KEYS) as Array<
    [keyof typeof ROW_KEYS, (item: unknown) => string]
  >) {
    merged[kind] = uniqueBy(
      batches.flatMap((b) => b[kind] as unknown[]),
      key,
    );
  }
  return merged as unknown as ExecutionChanges;
}
