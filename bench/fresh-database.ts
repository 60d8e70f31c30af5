import pg from "pg";
import { openDatabase } from "../src/store/index.js";
import { BENCH_ADMIN_URL, benchDatabaseName } from "./bench-database.js";

/**
 * An empty, migrated database `name` (see benchDatabaseName) on the bench server (dropped first when it exists), or a
 * copy of the database `template`.
 */
export async function freshDatabase(unprefixed: string, template?: string): Promise<string> {
  const name = benchDatabaseName(unprefixed);
  const admin = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}${template === undefined ? "" : ` TEMPLATE ${template}`}`);
  await admin.end();
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString() });
  await handle.close();
  return url.toString();
}
