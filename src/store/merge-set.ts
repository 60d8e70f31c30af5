import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/**
 * How a merge-upsert treats a column when the row exists: `stored` keeps what is stored (keys,
 * what is recomputed from children, when the row was first written); `coalesce` takes the
 * arriving value unless it is null; an expression says it itself.
 */
export type MergeRule = "stored" | "coalesce" | SQL;

/**
 * The SET list of a merge-upsert, made from the table's definition: every column takes the
 * arriving row's value (`excluded`) unless a rule names it — so a column added to the table is
 * merged without another list to keep in step.
 */
export function mergeSet<T extends PgTable>(
  table: T,
  rules: Partial<Record<keyof T["$inferSelect"] & string, MergeRule>>,
): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const rule = (rules as Record<string, MergeRule | undefined>)[key];
    const arriving = sql`excluded.${sql.identifier(column.name)}`;
    if (rule === "stored") continue;
    set[key] =
      rule === undefined ? arriving : rule === "coalesce" ? sql`coalesce(${arriving}, ${column})` : rule;
  }
  return set;
}
