import { sql } from "drizzle-orm";
import type { Database, DatabaseHandle } from "./database.js";
import { queryRows } from "./transaction.js";

/**
 * Whether PostgreSQL's autovacuum keeps the tables' planner statistics: never on PGlite (a single
 * process, no background workers), and not on a server with autovacuum or track_counts off.
 */
export async function autovacuumRuns(handle: DatabaseHandle): Promise<boolean> {
  if (handle.kind === "pglite") return false;
  const [row] = await queryRows<{ runs: boolean }>(
    handle.db,
    sql`SELECT current_setting('autovacuum') = 'on' AND current_setting('track_counts') = 'on' AS runs`,
  );
  return row?.runs === true;
}

/**
 * A table grown by over a tenth since its last ANALYZE waits this long after it for the next, as
 * autovacuum waits its naptime; one that has doubled (its plans were made for half of it or less),
 * or had no pages then, does not wait.
 */
export const REANALYZE_AFTER_MS = 60_000;

/**
 * ANALYZEs each table of the schema that has never been analyzed or has grown by over a tenth (in
 * pages, so PGlite, whose row counters are not kept between statements, is judged like a server)
 * since it last was, and returns their names. A table another session is analyzing or vacuuming
 * is skipped (its statistics are being renewed). The writer's statements are prepared: PostgreSQL
 * keeps the generic plan it made from the statistics at hand until they change, so a table grown
 * from empty without an ANALYZE is read whole by plans costed for a few rows (where autovacuum does
 * not run, a retention catch-up measured ingest falling to a tenth). `analyzedAt` (the caller's,
 * kept between calls) holds when each table was analyzed here: a young table growing by a tenth
 * every few seconds is not sampled whole each time ({@link REANALYZE_AFTER_MS}).
 */
export async function analyzeGrownTables(
  db: Database,
  analyzedAt: Map<string, number> = new Map(),
  now = Date.now(),
): Promise<string[]> {
  const grown = await queryRows<{ name: string; doubled: boolean }>(
    db,
    sql`SELECT c.relname AS name, c.relpages = 0 OR pages > 2 * c.relpages + 8 AS doubled
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
        LATERAL (SELECT pg_relation_size(c.oid) / current_setting('block_size')::int AS pages) p
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND pages > 1.1 * c.relpages + 8
      ORDER BY c.relname`,
  );
  const due = grown.filter(
    ({ name, doubled }) =>
      doubled || now - (analyzedAt.get(name) ?? Number.NEGATIVE_INFINITY) >= REANALYZE_AFTER_MS,
  );
  for (const { name } of due) {
    await db.execute(sql`ANALYZE (SKIP_LOCKED) ${sql.identifier(name)}`);
    analyzedAt.set(name, now);
  }
  return due.map((t) => t.name);
}
