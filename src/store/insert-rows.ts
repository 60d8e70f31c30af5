import { getTableColumns, type SQL, type SQLChunk, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { type MergeRule, mergeSet } from "./merge-set.js";
import { chunks, jsonbArray, pgArray } from "./sql-values.js";
import { StatementTexts } from "./statement-texts.js";
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

/** The keys of the columns some row sets; the others are left out (their default). */
export function keysOf<T extends PgTable>(
  table: T,
  rows: ReadonlyArray<Partial<T["$inferInsert"]>>,
): Keys<T>[] {
  const rowValues = rows as ReadonlyArray<Record<string, unknown>>;
  return Object.keys(getTableColumns(table)).filter((key) =>
    rowValues.some((row) => row[key] !== undefined),
  ) as Keys<T>[];
}

/** A column of rows as the text of its one array parameter: an array literal, or a JSON array for jsonb. */
function arrayParameter(column: PgColumn, key: string, rows: ReadonlyArray<Record<string, unknown>>): string {
  if (column.getSQLType() === "jsonb") return JSON.stringify(rows.map((row) => cellOf(row, key, column)));
  return pgArray(rows.map((row) => arrayItem(column, cellOf(row, key, column))));
}

/** The array parameters of the columns `keys` of `rows`, in their order ({@link unnestSource}'s). */
export function arrayParameters<T extends PgTable>(
  table: T,
  keys: readonly Keys<T>[],
  rows: ReadonlyArray<Partial<T["$inferInsert"]>>,
): string[] {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const rowValues = rows as ReadonlyArray<Record<string, unknown>>;
  return keys.map((key) => arrayParameter(columns[key] as PgColumn, key, rowValues));
}

/**
 * Rows as a row source of one array parameter per column (`parameters`, by `keys`):
 * `unnest(…) AS u(…)`, with the table's column names.
 */
export function unnestSource<T extends PgTable>(
  table: T,
  keys: readonly Keys<T>[],
  parameters: readonly SQLChunk[],
): SQL {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const arrays = keys.map((key, i) => {
    const column = columns[key] as PgColumn;
    if (column.getSQLType() === "jsonb") return jsonbArray(parameters[i]);
    return sql`${parameters[i]}::${sql.raw(arrayType(column))}`;
  });
  return sql`unnest(${sql.join(arrays, sql`, `)}) AS u(${columnNames(table, keys)})`;
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
 * A merge-upsert of a table's rows on `target`, made once (a module's constant): each column
 * merges as `rules` says ({@link mergeSet}), and `derived` columns are computed in the statement
 * from the arriving values (and what is stored). Its statement text, for each set of columns the
 * rows set, is built once and kept.
 */
export interface Upsert<T extends PgTable> {
  readonly table: T;
  readonly target: readonly Keys<T>[];
  readonly rules: Partial<Record<Keys<T>, MergeRule>>;
  readonly derived: Derived<T>;
  /** Its statement's text for each set of columns the rows set. */
  readonly texts: StatementTexts;
}

export function upsert<T extends PgTable>(
  table: T,
  target: readonly Keys<T>[],
  rules: Partial<Record<Keys<T>, MergeRule>>,
  derived: Derived<T> = {},
): Upsert<T> {
  return { table, target, rules, derived, texts: new StatementTexts() };
}

/** The upsert's statement for rows setting the columns `keys`, whose arrays are `parameters`. */
function upsertSql<T extends PgTable>(
  { table, target, rules, derived }: Upsert<T>,
  keys: readonly Keys<T>[],
  parameters: readonly SQLChunk[],
): SQL {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const set = Object.entries(mergeSet(table, rules))
    .filter(
      ([key]) => (keys as string[]).includes(key) || (rules as Record<string, unknown>)[key] !== undefined,
    )
    .map(([key, value]) => sql`${sql.identifier((columns[key] as PgColumn).name)} = ${value}`);
  const row = (key: Keys<T>) => sql`u.${sql.identifier((columns[key] as PgColumn).name)}`;
  const values = keys.map((key) => derived[key]?.(row) ?? row(key));
  return sql`INSERT INTO ${table} (${columnNames(table, keys)})
SELECT ${sql.join(values, sql`, `)} FROM ${unnestSource(table, keys, parameters)}
ON CONFLICT (${columnNames(table, target)}) DO UPDATE SET ${sql.join(set, sql`, `)}`;
}

/**
 * One statement for a whole column of rows: `INSERT … SELECT FROM unnest(…)`, one array parameter
 * per column, so the statement has the same few parameters and one plan whatever the batch (where
 * multi-row VALUES binds and parses one parameter per value), then a merge-upsert on the conflict
 * target. Columns come from the table's definition: a column no row sets keeps its default, and
 * merges only by a rule of its own (`excluded` holds that default).
 */
function upsertStatement<T extends PgTable>(
  statement: Upsert<T>,
  rows: ReadonlyArray<Partial<T["$inferInsert"]>>,
): SQL {
  const keys = keysOf(statement.table, rows);
  return statement.texts.statement(
    keys.join(","),
    (parameters) => upsertSql(statement, keys, parameters),
    arrayParameters(statement.table, keys, rows),
  );
}

/** Upserts rows with {@link upsertStatement}, a few thousand to a statement. */
export async function upsertRows<T extends PgTable>(
  tx: Transaction,
  statement: Upsert<T>,
  rows: ReadonlyArray<Partial<T["$inferInsert"]>>,
): Promise<void> {
  for (const part of chunks(rows, 5000)) await tx.execute(upsertStatement(statement, part));
}
