import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Notifications } from "./notifications.js";
import type * as schema from "./schema/index.js";

export type Schema = typeof schema;
/** One type for both drivers: the SQL the store issues is the same on PGlite and PostgreSQL. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: "pglite" | "postgres";
  readonly notifications: Notifications;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { readonly databaseUrl: string }
  | { readonly dataDir: string }
  | { readonly memory: true };

export interface OpenOptions {
  /**
   * Read only (a PostgreSQL standby): migrations are not applied but checked, and there is no
   * LISTEN (a standby refuses it), so live progress relies on polling.
   */
  readonly readOnly?: boolean;
  /**
   * Prepare statements with parameters once per PostgreSQL connection, or in PGlite's transactions
   * (default true): false behind a connection pooler that does not keep them across transactions.
   */
  readonly preparedStatements?: boolean;
  /** PostgreSQL settings for embedded PGlite, over its defaults (`PGLITE_DEFAULT_SETTINGS`). */
  readonly pgliteSettings?: Readonly<Record<string, string>>;
}

/**
 * Opens the database and applies the migrations it lacks (under a lock on PostgreSQL, for
 * replicas). Only the driver in use is loaded: a PostgreSQL server never loads PGlite's WASM,
 * PGlite never loads `pg`.
 */
export async function openDatabase(
  target: DatabaseTarget,
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  if ("databaseUrl" in target) {
    const { openPostgres } = await import("./postgres.js");
    return openPostgres(target.databaseUrl, options);
  }
  if (options.readOnly === true)
    throw new Error("a read-only database must be a PostgreSQL server (DATABASE_URL)");
  const { openPglite } = await import("./pglite.js");
  return openPglite("dataDir" in target ? target.dataDir : undefined, options);
}
