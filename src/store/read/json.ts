import { type SQL, sql } from "drizzle-orm";
import { type PgColumn, PgDialect } from "drizzle-orm/pg-core";

/*
 * JSON built by PostgreSQL, for reads whose answer is sent as it is: the API process neither
 * parses nor re-serialises the rows. Each value reads exactly as the drizzle row would after
 * JSON.stringify, so that the two cannot be told apart once parsed.
 */

/** Column types whose PostgreSQL JSON is already what JSON.stringify makes of the drizzle value. */
const AS_IS = new Set([
  "PgUUID",
  "PgText",
  "PgVarchar",
  "PgSmallInt",
  "PgInteger",
  "PgBigInt53",
  "PgBoolean",
  "PgJsonb",
]);

/** Floating and numeric types: PostgreSQL writes NaN and ±Infinity as strings, JSON.stringify as null. */
const FINITE_ONLY = new Set(["PgReal", "PgDoublePrecision", "PgNumericNumber"]);

/** A timestamptz as the API's Timestamp: UTC, six fraction digits, `Z` (see model/timestamp.ts). */
export function jsonTimestamp(value: SQL | PgColumn): SQL {
  return sql`to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** A column's value in JSON; a column type not known here is refused where the projection is made. */
function columnJson(column: PgColumn): SQL {
  if (column.getSQLType() === "timestamp with time zone") return jsonTimestamp(column);
  if (AS_IS.has(column.columnType)) return sql`${column}`;
  if (FINITE_ONLY.has(column.columnType))
    return sql`CASE WHEN ${column} IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE ${column} END`;
  throw new Error(`no JSON projection for column ${column.name} of type ${column.columnType}`);
}

/** A property of a JSON object: a column (written as columnJson says) or an expression of JSON. */
export type JsonEntry = readonly [name: string, value: PgColumn | SQL];

const MAX_ARGUMENTS = 100; // PostgreSQL's FUNC_MAX_ARGS: json_build_object takes 50 properties

/**
 * `json_build_object` of the entries, in their order; compiled to its text once, here, since
 * drizzle would otherwise build the same hundreds of chunks again for every request.
 */
export function jsonBuildObject(entries: readonly JsonEntry[]): SQL {
  if (entries.length * 2 > MAX_ARGUMENTS)
    throw new Error(`a JSON object of ${entries.length} properties is more than json_build_object takes`);
  const parts = entries.map(
    ([name, value]) => sql`${sql.raw(quoteLiteral(name))}, ${isSql(value) ? value : columnJson(value)}`,
  );
  return compiled(sql`json_build_object(${sql.join(parts, sql`, `)})`);
}

const dialect = new PgDialect();

/** A statement part without parameters, as its text. */
function compiled(part: SQL): SQL {
  const query = dialect.sqlToQuery(part);
  if (query.params.length > 0) throw new Error(`a JSON projection takes no parameters: ${query.sql}`);
  return sql.raw(query.sql);
}

/** The JSON array of `item` over the rows of `from` (a FROM … WHERE …), in `orderBy`; `[]` when none. */
export function jsonArray(item: SQL, from: SQL, orderBy: readonly SQL[]): SQL {
  return sql`(SELECT coalesce(json_agg(${item} ORDER BY ${sql.join([...orderBy], sql`, `)}), '[]'::json) ${from})`;
}

function isSql(value: PgColumn | SQL): value is SQL {
  return !("columnType" in value);
}

/** Property names are ours (schema keys), never the client's; quoted all the same. */
function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
