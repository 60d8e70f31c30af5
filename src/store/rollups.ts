import { sql } from "drizzle-orm";
import type { Database } from "./database.js";
import { queryRows } from "./transaction.js";

export interface RollupCells {
  readonly skillCells: number;
  readonly workflowCells: number;
}

/**
 * Every stats rollup cell again from the rows, in one transaction (readers see the former cells
 * until it commits; writers wait for it at their commit). Writers keep the cells by themselves
 * (migration 0010): this is for a database restored without them, or one to check.
 */
export async function rebuildRollups(db: Database): Promise<RollupCells> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT execlens_rollups_rebuild()`);
    const [row] = await queryRows<{ skills: number; workflows: number }>(
      tx,
      sql`SELECT (SELECT count(*) FROM "SkillRollups")::int AS skills, (SELECT count(*) FROM "WorkflowRollups")::int AS workflows`,
    );
    return { skillCells: Number(row?.skills ?? 0), workflowCells: Number(row?.workflows ?? 0) };
  });
}
