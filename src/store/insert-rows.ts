import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { type MergeRule, mergeSet } from "./merge-set.js";
import { chunks, jsonbArray, pgArray } from "./sql-values.js";
import type { Transaction } from "./transaction.js";

/** The array type of a column's SQL type (varchar(100) travels as text). */
function arrayType(column: PgColumn): string {
  const type = column.getSQLType();
  return `${/^(varchar|character varying)/.test(type) ? "text" : type}[]`;
}

/** A value as the driver would send it, as an item of a PostgreSQL array literal. */
function arrayItem(column: PgColumn, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  const driven = column.mapToDriverValue(value);
  return typeof driven === "number" ? driven : String(driven);
}

/** A row's value of a column, as an array cell. */
function cellOf(row: Record<string, unknown>, key: string, column: PgColumn): unknown {
  const value = row[key];
  // an array cell cannot say DEFAULT: a row leaving out a column another row sets must say null
  if (value === undefined && column.notNull && column.hasDefault) {
    throw new Error(`${column.name}: set in some rows of the batch and left to its default in others`);
  }
  return value;
}

type Keys<T extends PgTable> = keyof T["$inferSelect"] & string;

/** A column's inserted value as an expression of the arriving row's values (`row(key)`), where it is not just its own. */
export type Derived<T extends PgTable> = Partial<Record<Keys<T>, (row: (key: Keys<T>) => SQL) => SQL>>;

/**
 * Rows as a row source of one array parameter per column: `unnest(…) AS u(…)`, with the table's
 * column names. The columns are those some row sets; the others are left out (their default).
 */
export function unnestRows<T extends PgTable>(
  table: T,
  rows: ReadonlyArray<Partial<T["$inferInsert"]>>,
): { readonly keys: Keys<T>[]; readonly source: SQL } {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const rowValues = rows as ReadonlyArray<Record<string, unknown>>;
  const keys = Object.keys(columns).filter((key) =>
    rowValues.some((row) => row[key] !== undefined),
  ) as Keys<T>[];
  const arrays = keys.map((key) => {
    const column = columns[key] as PgColumn;
    if (column.getSQLType() === "jsonb") return jsonbArray(rowValues.map((row) => cellOf(row, key, column)));
    const items = rowValues.map((row) => arrayItem(column, cellOf(row, key, column)));
    return sql`${pgArray(items)}::${sql.raw(arrayType(column))}`;
  });
  return { keys, source: sql`unnest(${sql.join(arrays, sql`, `)}) AS u(${columnNames(table, keys)})` };
}

/** The SQL names of a table's columns, by their keys, as a list. */
function columnNames<T extends PgTable>(table: T, keys: readonly Keys<T>[]): SQL {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  return sql.join(
    keys.map((key) => sql.identifier((columns[key] as PgColumn).name)),
    sql`, `,
  );
}

/**
 * One statement for a whole column of rows: `INSERT … SELECT FROM unnest(…)`, one array parameter
 * per column, so the statement has the same few parameters and one plan whatever the batch (where
 * multi-row VALUES binds and parses one parameter per value), then a merge-upsert on the conflict
 * target. Columns come from the table's definition: a column no row sets keeps its default, and
 * merges only by a rule of its own (`excluded` holds that default). `derived` columns are computed
 * in the statement from the arriving values (and what is stored).
 */
export function upsertStatement<T extends PgTable>(
  table: T,
  rows: ReadonlyArray<Partial<T["$inferInsert"]>>,
  target: readonly Keys<T>[],
  rules: Partial<Record<Keys<T>, MergeRule>>,
  derived: Derived<T> = {},
): SQL {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const { keys, source } = unnestRows(table, rows);
  const set = Object.entries(mergeSet(table, rules))
    .filter(
      ([key]) => (keys as string[]).includes(key) || (rules as Record<string, unknown>)[key] !== undefined,
    )
    .map(([key, value]) => sql`${sql.identifier((columns[key] as PgColumn).name)} = ${value}`);
  const row = (key: Keys<T>) => sql`u.${sql.identifier((columns[key] as PgColumn).name)}`;
  const values = keys.map((key) => derived[key]?.(row) ?? row(key));
  return sql`INSERT INTO ${table} (${columnNames(table, keys)})
SELECT ${sql.join(values, sql`, `)} FROM ${source}
ON CONFLICT (${columnNames(table, target)}) DO UPDATE SET ${sql.join(set, sql`, `)}`;
}

/** Upserts rows with {@link upsertStatement}, a few thousand to a statement. */
export async function upsertRows<T extends PgTable>(
  tx: Transaction,
  table: T,
  rows: ReadonlyArray<Partial<T["$inferInsert"]>>,
  target: readonly Keys<T>[],
  rules: Partial<Record<Keys<T>, MergeRule>>,
  derived: Derived<T> = {},
): Promise<void> {
  for (const part of chunks(rows, 5000))
    await tx.execute(upsertStatement(table, part, target, rules, derived));
}
