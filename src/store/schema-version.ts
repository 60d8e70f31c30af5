import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The numbered migrations drizzle-kit generates, applied on open by both drivers. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

/** How many migrations this execlens ships (drizzle-kit's journal). */
export function shippedMigrations(): number {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

/** A query as both drivers run one: pg's pool and PGlite's client. */
type Query = (text: string) => Promise<{ rows: Array<Record<string, unknown>> }>;

/** How many migrations the database has applied (drizzle's own table; 0 before the first). */
export async function appliedMigrations(query: Query): Promise<number> {
  const table = await query("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS exists");
  if (table.rows[0]?.exists !== true) return 0;
  return Number((await query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations")).rows[0]?.n);
}

/**
 * Whether the database lacks some of this execlens' migrations. Checked before running the
 * migrator, which reads and hashes every migration file and takes a lock at each start.
 */
export async function migrationsPending(query: Query): Promise<boolean> {
  return (await appliedMigrations(query)) < shippedMigrations();
}
