import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import {
  type Notifications,
  noNotifications,
  pgliteNotifications,
  postgresNotifications,
} from "./notifications.js";
import * as schema from "./schema/index.js";

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

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** Any number that tells concurrent execlens processes apart from other users of advisory locks. */
const MIGRATION_LOCK_KEY = 4_318_831_800;

export interface OpenOptions {
  /**
   * Read only (a PostgreSQL standby): migrations are not applied but checked, and there is no
   * LISTEN (a standby refuses it), so live progress relies on polling.
   */
  readonly readOnly?: boolean;
}

/** Opens the database and applies the migrations it lacks (under a lock on PostgreSQL, for replicas). */
export async function openDatabase(
  target: DatabaseTarget,
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  if ("databaseUrl" in target) {
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: 10,
      connectionTimeoutMillis: 5000,
    });
    // A client losing its connection (server restart) must not crash the process: the pool
    // listens on idle clients; a client checked out for a transaction, between two of its
    // statements, has no listener but this one (its next statement fails, the batch is retried).
    pool.on("error", () => undefined);
    pool.on("connect", (client) => client.on("error", () => undefined));
    try {
      await (options.readOnly === true ? checkSchema(pool) : migrate(pool));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    const notifications =
      options.readOnly === true ? noNotifications : postgresNotifications(target.databaseUrl);
    return {
      db: drizzlePg({ client: pool, schema }) as unknown as Database,
      kind: "postgres",
      notifications,
      async close() {
        await notifications.close();
        await pool.end();
      },
    };
  }
  if (options.readOnly === true)
    throw new Error("a read-only database must be a PostgreSQL server (DATABASE_URL)");
  const client = "dataDir" in target ? await PGlite.create(target.dataDir) : await PGlite.create();
  const db = drizzlePglite({ client, schema });
  try {
    await migratePglite(db, { migrationsFolder });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return {
    db: db as unknown as Database,
    kind: "pglite",
    notifications: pgliteNotifications(client),
    close: () => client.close(),
  };
}

/** Applies the migrations the database lacks, under an advisory lock so that replicas take turns. */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await migratePg(drizzlePg({ client, schema }), { migrationsFolder });
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/** Fails unless every migration this execlens ships has been applied (by an execlens on the primary). */
async function checkSchema(pool: pg.Pool): Promise<void> {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, "utf8")) as {
    entries: unknown[];
  };
  const table = await pool.query<{ exists: boolean }>(
    "SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS exists",
  );
  const applied = table.rows[0]?.exists
    ? Number((await pool.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations")).rows[0]?.n)
    : 0;
  if (applied < journal.entries.length) {
    throw new Error(
      `the database has ${applied} of the ${journal.entries.length} schema migrations of this execlens; ` +
        "start an execlens with EXECLENS_ROLE=all against the primary first (it applies them)",
    );
  }
}
