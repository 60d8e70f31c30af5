import { sql } from "drizzle-orm";
import { customType } from "drizzle-orm/pg-core";
import { parseTimestamp, type Timestamp } from "../../model/index.js";

/**
 * timestamptz read and written as a Timestamp string with microseconds: a Date would cut them to
 * milliseconds. Both drivers hand drizzle PostgreSQL's own text, in the session's time zone.
 */
export const timestamptz = customType<{ data: Timestamp; driverData: string }>({
  dataType: () => "timestamp with time zone",
  fromDriver: timestampFromDatabase,
});

/** A timestamptz as the drivers return it (PostgreSQL's text), for raw statements too. */
export function timestampFromDatabase(value: string): Timestamp {
  const parsed = parseTimestamp(value);
  if (parsed === undefined) throw new Error(`unexpected timestamptz text from the database: ${value}`);
  return parsed;
}

export const createdAt = (name: string) => timestamptz(name).notNull().default(sql`now()`);

/** SQL list of statuses for CHECK constraints and partial-index predicates. */
export const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));
