import type { SQL } from "drizzle-orm";
import type { Database } from "./database.js";

export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Rows of a raw statement; both drivers (pg, PGlite) answer with `{ rows }`. */
export async function queryRows<T>(executor: Pick<Database, "execute">, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
