import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { PGLITE_DEFAULT_SETTINGS } from "./config.js";
import type { Database, DatabaseHandle } from "./database.js";
import { pgliteNotifications } from "./notifications.js";
import * as schema from "./schema/index.js";
import { MIGRATIONS_FOLDER, migrationsPending } from "./schema-version.js";

/** Embedded PGlite in `dataDir` (in memory without one), with the migrations it lacks applied. */
export async function openPglite(
  dataDir: string | undefined,
  settings: Readonly<Record<string, string>>,
): Promise<DatabaseHandle> {
  const startParams = [
    ...PGlite.defaultStartParams,
    ...Object.entries({ ...PGLITE_DEFAULT_SETTINGS, ...settings }).flatMap(([name, value]) => [
      "-c",
      `${name}=${value}`,
    ]),
  ];
  if (dataDir !== undefined && !existsSync(join(dataDir, "PG_VERSION"))) await initdb(dataDir, startParams);
  const client = await PGlite.create({ dataDir, startParams });
  const db = drizzle({ client, schema });
  try {
    if (await migrationsPending((text) => client.query(text)))
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
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

const run = promisify(execFile);

/** Creates the data dir and closes it: argv is [PGlite's module, data dir, start parameters as JSON]. */
const INITDB_SCRIPT = `
const [module, dataDir, startParams] = process.argv.slice(1);
require(module).PGlite.create({ dataDir, startParams: JSON.parse(startParams) }).then((pg) => pg.close());
`;

/**
 * initdb of a fresh data dir, in a short-lived process of its own: PGlite runs initdb in a second
 * WASM instance beside the database's, and this process would keep the resident size the two
 * reached (~700 MB) long after both are gone. The child returns it all when it exits.
 */
async function initdb(dataDir: string, startParams: readonly string[]): Promise<void> {
  const module = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  try {
    await run(process.execPath, ["-e", INITDB_SCRIPT, module, dataDir, JSON.stringify(startParams)]);
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`could not create the PGlite data dir ${dataDir}: ${stderr?.trim() || String(error)}`, {
      cause: error,
    });
  }
}
