export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** A page of at most `limit` rows from `limit + 1` fetched: the extra row says there is a next page. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
