import { sql } from "drizzle-orm";
import { timestamp } from "drizzle-orm/pg-core";

/** timestamptz read and written as Date. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const createdAt = (name: string) => timestamptz(name).notNull().defaultNow();

/** SQL list of statuses for CHECK constraints and partial-index predicates. */
export const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));
