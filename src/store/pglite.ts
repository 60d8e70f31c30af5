import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { PGLITE_DEFAULT_SETTINGS } from "./config.js";
import { lockDataDir } from "./data-dir-lock.js";
import type { Database, DatabaseHandle, OpenOptions } from "./database.js";
import { pgliteNotifications } from "./notifications.js";
import { DURABLE_START_PARAMS, DurableNodeFS, syncDataDir } from "./pglite-durable-fs.js";
import { PreparingPGlite } from "./pglite-prepared.js";
import * as schema from "./schema/index.js";
import { MIGRATIONS_FOLDER, migrationsPending } from "./schema-version.js";

/** Embedded PGlite in `dataDir` (in memory without one), with the migrations it lacks applied. */
export async function openPglite(
  dataDir: string | undefined,
  options: Pick<OpenOptions, "pgliteSettings" | "preparedStatements">,
): Promise<DatabaseHandle> {
  const startParams = [
    ...PGlite.defaultStartParams,
    ...(dataDir === undefined ? [] : DURABLE_START_PARAMS),
    ...Object.entries({ ...PGLITE_DEFAULT_SETTINGS, ...options.pgliteSettings }).flatMap(([name, value]) => [
      "-c",
      `${name}=${value}`,
    ]),
  ];
  const unlock = dataDir === undefined ? () => undefined : lockDataDir(dataDir);
  try {
    if (dataDir !== undefined && !existsSync(join(dataDir, "PG_VERSION"))) {
      await prepare(dataDir, startParams);
      syncDataDir(dataDir);
    }
    // commits reach the disk before they are answered (see DurableNodeFS)
    const fs = dataDir === undefined ? undefined : new DurableNodeFS(dataDir);
    const client =
      options.preparedStatements === false
        ? new PGlite({ fs, startParams })
        : new PreparingPGlite({ fs, startParams });
    const db = drizzle({ client, schema });
    await migrated(client, db, dataDir);
    return {
      db: db as unknown as Database,
      kind: "pglite",
      notifications: pgliteNotifications(client),
      close: () => client.close().finally(unlock),
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** Waits for PGlite to start and applies the migrations it lacks; closes it when either fails. */
async function migrated(
  client: PGlite,
  db: Parameters<typeof migrate>[0],
  dataDir: string | undefined,
): Promise<void> {
  try {
    await client.waitReady.catch((error: unknown) => {
      // PGlite says only "Aborted()" or "failed to initialize" when PostgreSQL refuses the files
      if (dataDir === undefined) throw error;
      throw new Error(
        `PGlite could not start on the data dir ${dataDir} (${error instanceof Error ? error.message : String(error)}): ` +
          "are its files damaged? Two processes writing them at once damage them. Restore it from a " +
          "backup, or move it away to start on an empty one",
        { cause: error },
      );
    });
    if (await migrationsPending((text) => client.query(text)))
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

const run = promisify(execFile);

/**
 * Creates the data dir, migrates it and closes it. argv: PGlite's, drizzle's driver's and its
 * migrator's module, the data dir, the start parameters as JSON, the migrations folder.
 */
const PREPARE_SCRIPT = `
const [pglite, driver, migrator, dataDir, startParams, migrationsFolder] = process.argv.slice(1);
(async () => {
  const client = await require(pglite).PGlite.create({ dataDir, startParams: JSON.parse(startParams) });
  try {
    await require(migrator).migrate(require(driver).drizzle({ client }), { migrationsFolder });
  } finally {
    await client.close();
  }
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
`;

/**
 * initdb and the migrations of a fresh data dir, in a short-lived process of its own: PGlite
 * runs initdb in a second WASM instance beside the database's, and the process that did it keeps
 * the resident size the two reached (~700 MB) long after both are gone; the migrations' DDL
 * grows the WASM memory too, which never shrinks. The child returns it all when it exits.
 */
async function prepare(dataDir: string, startParams: readonly string[]): Promise<void> {
  const resolve = createRequire(import.meta.url).resolve;
  const modules = ["@electric-sql/pglite", "drizzle-orm/pglite", "drizzle-orm/pglite/migrator"].map((m) =>
    resolve(m),
  );
  try {
    await run(process.execPath, [
      "-e",
      PREPARE_SCRIPT,
      ...modules,
      dataDir,
      JSON.stringify(startParams),
      MIGRATIONS_FOLDER,
    ]);
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`could not create the PGlite data dir ${dataDir}: ${stderr?.trim() || String(error)}`, {
      cause: error,
    });
  }
}
