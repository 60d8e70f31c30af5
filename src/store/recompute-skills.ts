import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "./sql-values.js";
import type { Transaction } from "./transaction.js";
import { updateChangedMetadata } from "./update-metadata.js";

/** A call's time in milliseconds, to the microsecond (its rounded duration_ms for rows stored before completed_at). */
const CALL_MS = sql`coalesce(extract(epoch FROM c.completed_at - c.started_at) * 1000, c.duration_ms)`;

/** The parts of a skill row its derived metadata is computed from, as SQL expressions. */
export interface SkillParts {
  readonly execId: SQL;
  readonly startedAt: SQL;
  readonly completedAt: SQL;
  readonly metadata: SQL;
}

/**
 * A skill's metadata with what it derives from the calls below it (those whose nearest skill it
 * is), from the stored calls: metadata.performance counts its db queries and HTTP calls and splits
 * its time into dbQueryTime, apiCallTime and the rest, transformTime (never below 0: calls may
 * overlap); metadata.cost sums its leaf model requests (a tool that calls a model). Without calls,
 * the metadata as it is. One expression, so that the skill upsert writes a row complete with what
 * is already stored and the recomputation after it finds nothing to rewrite.
 */
export function derivedSkillMetadata(skill: SkillParts): SQL {
  const own = sql`coalesce(${skill.metadata}, '{}'::jsonb)`;
  return sql`(${own}
  || coalesce((SELECT jsonb_build_object('performance',
      coalesce(${skill.metadata} -> 'performance', '{}'::jsonb) || jsonb_build_object(
        'dbQueries', p.db, 'apiCalls', p.http,
        'dbQueryTime', round(p.db_ms::numeric, 3), 'apiCallTime', round(p.http_ms::numeric, 3),
        'transformTime', round(greatest(0, extract(epoch FROM ${skill.completedAt} - ${skill.startedAt}) * 1000
          - p.db_ms - p.http_ms)::numeric, 3)))
    FROM (
      SELECT count(*)::int AS calls, (count(*) FILTER (WHERE c.kind = 'db'))::int AS db,
        (count(*) FILTER (WHERE c.kind = 'http'))::int AS http,
        coalesce(sum(${CALL_MS}) FILTER (WHERE c.kind = 'db'), 0) AS db_ms,
        coalesce(sum(${CALL_MS}) FILTER (WHERE c.kind = 'http'), 0) AS http_ms
      FROM "ClientCalls" c WHERE c.exec_id = ${skill.execId} AND c.kind IN ('db', 'http')
    ) p WHERE p.calls > 0), '{}'::jsonb)
  || coalesce((SELECT jsonb_build_object('cost', jsonb_build_object(
      'tokensUsed', m.tokens, 'estimatedCost', round(m.cost::numeric, 8), 'currency', 'USD', 'llmCalls', m.calls))
    FROM (
      SELECT count(*)::int AS calls, coalesce(sum(l.total_tokens), 0)::bigint AS tokens, sum(l.cost_usd) AS cost
      FROM "LlmCalls" l WHERE l.exec_id = ${skill.execId} AND l.leaf
    ) m WHERE m.calls > 0), '{}'::jsonb))`;
}

/** Recomputes the derived metadata of the given skills (see derivedSkillMetadata); rows already right are not rewritten. */
export async function recomputeSkillPerformance(tx: Transaction, execIds: readonly string[]): Promise<void> {
  if (execIds.length === 0) return;
  const metadata = derivedSkillMetadata({
    execId: sql`k.exec_id`,
    startedAt: sql`k.exec_started_at`,
    completedAt: sql`k.exec_completed_at`,
    metadata: sql`k.exec_attributes -> 'metadata'`,
  });
  await updateChangedMetadata(tx, "skill", {
    alias: "k",
    metadata,
    rest: sql`WHERE k.exec_id = ANY(${pgArray(execIds)}::uuid[])`,
  });
}
