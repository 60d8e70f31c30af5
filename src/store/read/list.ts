import { and, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Timestamp } from "../../model/index.js";
import type { Database } from "../database.js";
import { keyset, type PageRequest } from "./keyset.js";
import { type Page, pageOf } from "./page.js";

/** Which of a table's properties a list pages by: its start, its duration, its id. */
export interface ListKeys<T extends PgTable> {
  readonly started: keyof T["$inferSelect"] & keyof T;
  readonly duration: keyof T["$inferSelect"] & keyof T;
  readonly id: keyof T["$inferSelect"] & keyof T;
}

/**
 * One keyset page of a table's rows that meet `conditions`, in the page's sort. Returns the
 * statement too, so that its plans can be examined (bench:explain).
 */
export function listQuery<T extends PgTable>(
  db: Database,
  table: T,
  keys: ListKeys<T>,
  conditions: ReadonlyArray<SQL | undefined>,
  page: PageRequest,
) {
  const column = (key: keyof T) => table[key] as unknown as PgColumn;
  const paging = keyset(page, {
    started: column(keys.started),
    duration: column(keys.duration),
    id: column(keys.id),
  });
  const query = db
    .select()
    .from(table as PgTable)
    .where(and(...conditions, ...paging.where))
    .orderBy(...paging.orderBy)
    .limit(page.limit + 1);
  return {
    query,
    async run(): Promise<Page<T["$inferSelect"]>> {
      const rows = (await query) as T["$inferSelect"][];
      return pageOf(rows, page.limit, (row) =>
        paging.cursorOf({
          id: row[keys.id] as string,
          started: row[keys.started] as Timestamp,
          duration: row[keys.duration] as number | null,
        }),
      );
    },
  };
}
