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
 * ANALYZEs each table of the schema that has never been analyzed or has grown by over a tenth (in
 * pages, so PGlite, whose row counters are not kept between statements, is judged like a server)
 * since it last was, and returns their names. A table another session is analyzing or vacuuming
 * is skipped (its statistics are being renewed). The writer's statements are prepared: PostgreSQL
 * keeps the generic plan it made from the statistics at hand until they change, so a table grown
 * from empty without an ANALYZE is read whole by plans costed for a few rows (where autovacuum does
 * not run, a retention catch-up measured ingest falling to a tenth).
 */
export async function analyzeGrownTables(db: Database): Promise<string[]> {
  const grown = await queryRows<{ name: string }>(
    db,
    sql`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'
        AND pg_relation_size(c.oid) / current_setting('block_size')::int > 1.1 * c.relpages + 8
      ORDER BY c.relname`,
  );
  for (const { name } of grown) await db.execute(sql`ANALYZE (SKIP_LOCKED) ${sql.identifier(name)}`);
  return grown.map((t) => t.name);
}
