import { drizzle } from "drizzle-orm/node-postgres";
import { migrate as migrateWith } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Database, DatabaseHandle, OpenOptions } from "./database.js";
import { noNotifications } from "./notifications.js";
import { postgresNotifications } from "./postgres-notifications.js";
import { PreparingClient } from "./prepared-statements.js";
import * as schema from "./schema/index.js";
import {
  appliedMigrations,
  MIGRATIONS_FOLDER,
  migrationsPending,
  shippedMigrations,
} from "./schema-version.js";
import { sqlState } from "./sql-state.js";

/** Any number that tells concurrent execlens processes apart from other users of advisory locks. */
const MIGRATION_LOCK_KEY = 4_318_831_800;

/** A `pg` pool on a PostgreSQL server, migrated (under a lock, for replicas) or, read-only, checked. */
export async function openPostgres(databaseUrl: string, options: OpenOptions): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: 5000,
    Client: options.preparedStatements === false ? pg.Client : PreparingClient,
  });
  // A client losing its connection (server restart) must not crash the process: the pool
  // listens on idle clients; a client checked out for a transaction, between two of its
  // statements, has no listener but this one (its next statement fails, the batch is retried).
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  try {
    const query = (text: string) => pool.query(text);
    if (options.readOnly === true) await checkSchema(query);
    else if (await migrationsPending(query)) await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const notifications = options.readOnly === true ? noNotifications : postgresNotifications(databaseUrl);
  return {
    db: releasingTransactions(drizzle({ client: pool, schema }) as unknown as Database, pool),
    kind: "postgres",
    notifications,
    async close() {
      await notifications.close();
      await pool.end();
    },
  };
}

/**
 * `db` whose transactions take a client from the pool and always give it back — closed when
 * the transaction failed without an answer from the server (its connection's state is unknown).
 * drizzle's own transaction on a pool keeps the client when its BEGIN fails (the connection died
 * between two transactions, e.g. in a database restart): the pool shrank by one each time until
 * every write waited for a connection in vain, and `pool.end()` waited for it forever
 * (drizzle-orm issues 6023, 6241).
 */
function releasingTransactions(db: Database, pool: pg.Pool): Database {
  const transaction: Database["transaction"] = async (run, config) => {
    const client = await pool.connect();
    let lost: Error | undefined;
    try {
      // without the schema: drizzle would derive its relational config again (~0.1 ms) for every
      // transaction, and no transaction uses relational queries (`tx.query.*`)
      return await (drizzle({ client }) as unknown as Database).transaction(run, config);
    } catch (error) {
      if (sqlState(error) === undefined) lost = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(lost);
    }
  };
  return Object.assign(db, { transaction });
}

/** Applies the migrations the database lacks, under an advisory lock so that replicas take turns. */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await migrateWith(drizzle({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/** Fails unless every migration this execlens ships has been applied (by an execlens on the primary). */
async function checkSchema(query: Parameters<typeof appliedMigrations>[0]): Promise<void> {
  const [applied, shipped] = [await appliedMigrations(query), shippedMigrations()];
  if (applied < shipped) {
    throw new Error(
      `the database has ${applied} of the ${shipped} schema migrations of this execlens; ` +
        "start an execlens with EXECLENS_ROLE=all against the primary first (it applies them)",
    );
  }
}
