import { and, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Timestamp } from "../../model/index.js";
import type { Database } from "../database.js";
import { jsonTimestamp } from "./json.js";
import { keyset, type PageRequest } from "./keyset.js";
import { type Page, pageOf } from "./page.js";

/** Which of a table's properties a list pages by: its start, its duration, its id. */
export interface ListKeys<T extends PgTable> {
  readonly started: keyof T["$inferSelect"] & keyof T;
  readonly duration: keyof T["$inferSelect"] & keyof T;
  readonly id: keyof T["$inferSelect"] & keyof T;
}

/**
 * One keyset page of a table's rows that meet `conditions`, in the page's sort, each row as the
 * JSON text `json` builds of it (see json.ts), with the keys its cursor is made of. Returns the
 * statement too, so that its plans can be examined (bench:explain).
 */
export function listQuery<T extends PgTable>(
  db: Database,
  table: T,
  keys: ListKeys<T>,
  conditions: ReadonlyArray<SQL | undefined>,
  page: PageRequest,
  json: SQL,
) {
  const column = (key: keyof T) => table[key] as unknown as PgColumn;
  const paging = keyset(page, {
    started: column(keys.started),
    duration: column(keys.duration),
    id: column(keys.id),
  });
  const query = db
    .select({
      // text, not json: the drivers would parse json
      json: sql<string>`${json}::text`,
      id: column(keys.id),
      // already a Timestamp's text: parsing every row's would cost more than its JSON
      started: sql<Timestamp>`${jsonTimestamp(column(keys.started))}`,
      duration: column(keys.duration),
    })
    .from(table as PgTable)
    .where(and(...conditions, ...paging.where))
    .orderBy(...paging.orderBy)
    .limit(page.limit + 1);
  return {
    query,
    /** The page: its items are JSON texts. */
    async run(): Promise<Page<string>> {
      const rows = await query;
      const { items, nextCursor } = pageOf(rows, page.limit, (row) =>
        paging.cursorOf({
          id: row.id as string,
          started: row.started,
          duration: row.duration as number | null,
        }),
      );
      return { items: items.map((row) => row.json), nextCursor };
    },
  };
}
