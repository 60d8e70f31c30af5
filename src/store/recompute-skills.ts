import { sql } from "drizzle-orm";
import { pgArray } from "./sql-values.js";
import type { Transaction } from "./transaction.js";

/** metadata.performance of skills: the db queries and http calls below each, counted from "ClientCalls". */
export async function recomputeSkillPerformance(tx: Transaction, execIds: readonly string[]): Promise<void> {
  if (execIds.length === 0) return;
  await tx.execute(sql`
UPDATE "SkillExecutions" k SET exec_attributes = jsonb_set(k.exec_attributes, '{metadata,performance}',
  coalesce(k.exec_attributes #> '{metadata,performance}', '{}'::jsonb)
    || jsonb_build_object('dbQueries', p.db, 'apiCalls', p.http))
FROM (
  SELECT exec_id, (count(*) FILTER (WHERE kind = 'db'))::int AS db, (count(*) FILTER (WHERE kind = 'http'))::int AS http
  FROM "ClientCalls" WHERE exec_id = ANY(${pgArray(execIds)}::uuid[])
  GROUP BY exec_id
) p
WHERE k.exec_id = p.exec_id`);
}
