import { type SQL, type SQLChunk, sql } from "drizzle-orm";

/** Characters an array literal's quoted item escapes with a backslash. */
const QUOTED_SPECIAL = /["\\]/;
const QUOTED_SPECIALS = /["\\]/g;
/** An item the literal may leave unquoted (ids, timestamps, names): no space, comma, brace, quote or backslash. */
const BARE = /^[\w.:+-]+$/;

/**
 * A PostgreSQL array literal, passed as one parameter and cast in SQL (`::uuid[]`, `::int[]`):
 * one statement carries a whole column of rows. null is SQL NULL. It runs for every column of
 * every row written: most items (ids, timestamps) go as they are, without quotes, and the literal
 * is joined flat in one step, its braces on the end items ("{" + joined + "}" would be a rope the
 * driver copies flat again to measure).
 */
export function pgArray(values: ReadonlyArray<string | number | null>): string {
  if (values.length === 0) return "{}";
  const items = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string | number | null;
    items[i] =
      value === null
        ? "NULL"
        : typeof value === "number"
          ? String(value)
          : BARE.test(value) && !(value.length === 4 && value.toUpperCase() === "NULL")
            ? value
            : `"${QUOTED_SPECIAL.test(value) ? value.replace(QUOTED_SPECIALS, "\\$&") : value}"`;
  }
  items[0] = `{${items[0]}`;
  items[items.length - 1] = `${items[items.length - 1]}}`;
  return items.join(",");
}

/**
 * A jsonb[] of JSON values (null and undefined are SQL NULL) from `json`, one parameter holding
 * them as a JSON array (`JSON.stringify(values)`): the documents travel as they are, where an array
 * literal escapes every quote inside them, and PostgreSQL parses them once.
 */
export function jsonbArray(json: SQLChunk): SQL {
  return sql`ARRAY(SELECT nullif(j.e, 'null'::jsonb)
    FROM jsonb_array_elements(${json}::jsonb) WITH ORDINALITY AS j(e, i) ORDER BY j.i)`;
}

/** Splits rows so one multi-row statement stays well under PostgreSQL's 65,535 parameters. */
export function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** A timestamptz as the API's Timestamp text (UTC, microseconds), whatever the session's time zone. */
export function isoUtc(column: SQL): SQL {
  return sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
