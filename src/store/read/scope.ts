import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "../sql-values.js";

/** Which organisations' rows a reader may see: all, or a list of organization_id UUIDs. */
export type Scope = { readonly all: true } | { readonly organizationIds: readonly string[] };

export const ALL: Scope = { all: true };

/** Workflow executions of the scope. */
export function workflowInScope(scope: Scope): SQL | undefined {
  if ("all" in scope) return undefined;
  return sql`"WorkflowExecutions".organization_id = ANY(${pgArray(scope.organizationIds)}::uuid[])`;
}

/** Skill executions of the scope: by their own organisation, or their workflow execution's. */
export function skillInScope(scope: Scope): SQL | undefined {
  if ("all" in scope) return undefined;
  const orgs = pgArray(scope.organizationIds);
  return sql`("SkillExecutions".organization_id = ANY(${orgs}::uuid[]) OR EXISTS (
    SELECT 1 FROM "WorkflowExecutions" sw
    WHERE sw.wkex_id = "SkillExecutions".wkex_id AND sw.organization_id = ANY(${orgs}::uuid[])))`;
}

/** Model requests of the scope: by their workflow execution's organisation. */
export function llmCallInScope(scope: Scope): SQL | undefined {
  if ("all" in scope) return undefined;
  return sql`EXISTS (SELECT 1 FROM "WorkflowExecutions" lw
    WHERE lw.wkex_id = "LlmCalls".wkex_id AND lw.organization_id = ANY(${pgArray(scope.organizationIds)}::uuid[]))`;
}

/** Rollup cells of the scope (see schema/rollups.ts): by their organisation. */
export function rollupInScope(scope: Scope, table: SQL): SQL | undefined {
  if ("all" in scope) return undefined;
  return sql`${table}.organization_id = ANY(${pgArray(scope.organizationIds)}::uuid[])`;
}

/**
 * Skill executions of the scope that its rollup cells miss: seen only through their workflow
 * execution's organisation (their own is another, or none). None for the whole scope.
 */
export function skillMissedByRollups(scope: Scope): SQL | undefined {
  if ("all" in scope) return undefined;
  const orgs = pgArray(scope.organizationIds);
  // the organisations' workflow executions as an array: their skills are found through the
  // wkex_id index, not by reading every skill of the window
  return sql`(NOT coalesce("SkillExecutions".organization_id = ANY(${orgs}::uuid[]), false)
    AND "SkillExecutions".wkex_id = ANY(ARRAY(
      SELECT sw.wkex_id FROM "WorkflowExecutions" sw WHERE sw.organization_id = ANY(${orgs}::uuid[]))))`;
}
