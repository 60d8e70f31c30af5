import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { parseTimestamp, type Timestamp } from "../../model/index.js";

export type SortKey = "started_at" | "duration";
export type SortOrder = "desc" | "asc";

export interface PageRequest {
  readonly sort: SortKey;
  readonly order: SortOrder;
  readonly limit: number;
  readonly cursor?: string;
}

interface CursorBody {
  readonly s: SortKey;
  readonly o: SortOrder;
  readonly v: string | number;
  readonly id: string;
}

export class CursorError extends Error {}

export function encodeCursor(body: CursorBody): string {
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

/** The cursor of a page request, checked against its sort; throws CursorError when it does not fit. */
export function decodeCursor(cursor: string, page: Pick<PageRequest, "sort" | "order">): CursorBody {
  let body: CursorBody;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new CursorError("cursor is not one this API returned");
  }
  if (typeof body !== "object" || body === null || typeof body.id !== "string") {
    throw new CursorError("cursor is not one this API returned");
  }
  if (body.s !== page.sort || body.o !== page.order) {
    throw new CursorError(`cursor was made for sort=${body.s}&order=${body.o}; repeat those with it`);
  }
  const valid =
    page.sort === "duration" ? typeof body.v === "number" : parseTimestamp(String(body.v)) !== undefined;
  if (!valid || !/^[0-9a-f-]{36}$/.test(body.id))
    throw new CursorError("cursor is not one this API returned");
  return body;
}

/**
 * Keyset pagination on (sort column, id): rows strictly after the cursor in the page's order.
 * Sorting by duration lists only the executions that have one.
 */
export function keyset(
  page: PageRequest,
  columns: { readonly started: AnyColumn; readonly duration: AnyColumn; readonly id: AnyColumn },
): {
  where: SQL[];
  orderBy: SQL[];
  cursorOf: (row: { id: string; started: Timestamp; duration: number | null }) => string;
} {
  const column = page.sort === "duration" ? columns.duration : columns.started;
  const where: SQL[] = [];
  if (page.sort === "duration") where.push(sql`${columns.duration} IS NOT NULL`);
  if (page.cursor !== undefined) {
    const cursor = decodeCursor(page.cursor, page);
    const value = page.sort === "duration" ? sql`${cursor.v}::integer` : sql`${cursor.v}::timestamptz`;
    where.push(
      page.order === "desc"
        ? sql`(${column}, ${columns.id}) < (${value}, ${cursor.id}::uuid)`
        : sql`(${column}, ${columns.id}) > (${value}, ${cursor.id}::uuid)`,
    );
  }
  const direction = page.order === "desc" ? sql`DESC` : sql`ASC`;
  return {
    where,
    orderBy: [sql`${column} ${direction}`, sql`${columns.id} ${direction}`],
    cursorOf: (row) =>
      encodeCursor({
        s: page.sort,
        o: page.order,
        v: page.sort === "duration" ? (row.duration as number) : row.started,
        id: row.id,
      }),
  };
}
