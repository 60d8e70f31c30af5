import { sql } from "drizzle-orm";
import { pgArray } from "./sql-values.js";
import type { Transaction } from "./transaction.js";

/** A call's time in milliseconds, to the microsecond (its rounded duration_ms for rows stored before completed_at). */
const CALL_MS = sql`coalesce(extract(epoch FROM c.completed_at - c.started_at) * 1000, c.duration_ms)`;

/**
 * What a skill derives from the calls below it (those whose nearest skill it is), recomputed from
 * the stored calls: metadata.performance counts its db queries and HTTP calls and splits its time
 * into dbQueryTime, apiCallTime and the rest, transformTime (never below 0: calls may overlap);
 * metadata.cost sums its leaf model requests (a tool that calls a model).
 */
export async function recomputeSkillPerformance(tx: Transaction, execIds: readonly string[]): Promise<void> {
  if (execIds.length === 0) return;
  await tx.execute(sql`
UPDATE "SkillExecutions" k SET exec_attributes = jsonb_set(k.exec_attributes, '{metadata}',
  coalesce(k.exec_attributes -> 'metadata', '{}'::jsonb)
  || CASE WHEN p.calls = 0 THEN '{}'::jsonb ELSE jsonb_build_object('performance',
    coalesce(k.exec_attributes #> '{metadata,performance}', '{}'::jsonb) || jsonb_build_object(
      'dbQueries', p.db, 'apiCalls', p.http,
      'dbQueryTime', round(p.db_ms::numeric, 3), 'apiCallTime', round(p.http_ms::numeric, 3),
      'transformTime', round(greatest(0, extract(epoch FROM k.exec_completed_at - k.exec_started_at) * 1000
        - p.db_ms - p.http_ms)::numeric, 3))) END
  || CASE WHEN m.calls = 0 THEN '{}'::jsonb ELSE jsonb_build_object('cost', jsonb_build_object(
    'tokensUsed', m.tokens, 'estimatedCost', round(m.cost::numeric, 8), 'currency', 'USD', 'llmCalls', m.calls)) END)
FROM unnest(${pgArray(execIds)}::uuid[]) AS ids(id)
CROSS JOIN LATERAL (
  SELECT count(*)::int AS calls, (count(*) FILTER (WHERE c.kind = 'db'))::int AS db,
    (count(*) FILTER (WHERE c.kind = 'http'))::int AS http,
    coalesce(sum(${CALL_MS}) FILTER (WHERE c.kind = 'db'), 0) AS db_ms,
    coalesce(sum(${CALL_MS}) FILTER (WHERE c.kind = 'http'), 0) AS http_ms
  FROM "ClientCalls" c WHERE c.exec_id = ids.id AND c.kind IN ('db', 'http')
) p
CROSS JOIN LATERAL (
  SELECT count(*)::int AS calls, coalesce(sum(l.total_tokens), 0)::bigint AS tokens, sum(l.cost_usd) AS cost
  FROM "LlmCalls" l WHERE l.exec_id = ids.id AND l.leaf
) m
WHERE k.exec_id = ids.id AND (p.calls > 0 OR m.calls > 0)`);
}
