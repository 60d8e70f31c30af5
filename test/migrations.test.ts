import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { expect, it } from "vitest";
import { openDatabase } from "../src/store/index.js";
import { describeEachDatabase } from "./helpers/databases.js";

const migrations = fileURLToPath(new URL("../src/store/migrations", import.meta.url));

/** The migrations folder as the first release shipped it: the first `count` migrations. */
async function firstMigrations(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "execlens-migrations-"));
  await cp(migrations, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  await writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

describeEachDatabase("migrations", (kind) => {
  it("upgrade a database of the first schema version and keep its rows", async () => {
    const database = await kind.create();
    const folder = await firstMigrations(2);
    const insert = sql`INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkex_status, wkex_workflow_name)
      VALUES ('00000000-0000-4000-8000-0000000000aa', 'from-v1', 'completed', 'old')`;
    try {
      if ("databaseUrl" in database.target) {
        const pool = new pg.Pool({ connectionString: database.target.databaseUrl });
        const db = drizzlePg({ client: pool });
        await migratePg(db, { migrationsFolder: folder });
        await db.execute(insert);
        await pool.end();
      } else if ("dataDir" in database.target) {
        const client = await PGlite.create(database.target.dataDir);
        const db = drizzlePglite({ client });
        await migratePglite(db, { migrationsFolder: folder });
        await db.execute(insert);
        await client.close();
      }
      const handle = await openDatabase(database.target);
      const { rows } = (await handle.db.execute(
        sql`SELECT wkex_execution_id, wkex_workflow_name,
          (SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_spanlinks_created')::int AS newest_index
          FROM "WorkflowExecutions"`,
      )) as unknown as {
        rows: Array<{ wkex_execution_id: string; wkex_workflow_name: string; newest_index: number }>;
      };
      await handle.close();
      expect(rows).toEqual([{ wkex_execution_id: "from-v1", wkex_workflow_name: "old", newest_index: 1 }]);
    } finally {
      await rm(folder, { recursive: true, force: true });
      await database.drop();
    }
  });
});
