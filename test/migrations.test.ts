import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { expect, it } from "vitest";
import { parseTimestamp } from "../src/model/index.js";
import {
  type DatabaseHandle,
  type DatabaseTarget,
  openDatabase,
  rebuildRollups,
} from "../src/store/index.js";
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

/** A database migrated by the first `count` migrations, with `rows` written into it as that version would. */
async function olderDatabase(target: DatabaseTarget, count: number, rows: readonly SQL[]): Promise<void> {
  const folder = await firstMigrations(count);
  try {
    if ("databaseUrl" in target) {
      const pool = new pg.Pool({ connectionString: target.databaseUrl });
      const db = drizzlePg({ client: pool });
      await migratePg(db, { migrationsFolder: folder });
      for (const row of rows) await db.execute(row);
      await pool.end();
    } else if ("dataDir" in target) {
      const client = await PGlite.create(target.dataDir);
      const db = drizzlePglite({ client });
      await migratePglite(db, { migrationsFolder: folder });
      for (const row of rows) await db.execute(row);
      await client.close();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function select<T>(handle: DatabaseHandle, query: SQL): Promise<T[]> {
  return ((await handle.db.execute(query)) as unknown as { rows: T[] }).rows;
}

describeEachDatabase("migrations", (kind) => {
  it("upgrade a database of the first schema version and keep its rows", async () => {
    const database = await kind.create({ empty: true });
    try {
      await olderDatabase(database.target, 2, [
        sql`INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkex_status, wkex_workflow_name)
          VALUES ('00000000-0000-4000-8000-0000000000aa', 'from-v1', 'completed', 'old')`,
      ]);
      const handle = await openDatabase(database.target);
      const rows = await select(
        handle,
        sql`SELECT wkex_execution_id, wkex_workflow_name,
          (SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_spanindex_waiting')::int AS newest_index
          FROM "WorkflowExecutions"`,
      );
      await handle.close();
      expect(rows).toEqual([{ wkex_execution_id: "from-v1", wkex_workflow_name: "old", newest_index: 1 }]);
    } finally {
      await database.drop();
    }
  });

  it("upgrade a database of the previous version (span links, millisecond times) and keep every row", async () => {
    const database = await kind.create({ empty: true });
    const wkex = "00000000-0000-4000-8000-0000000000bb";
    const skill = "00000000-0000-7000-8000-0000000000cc";
    try {
      await olderDatabase(database.target, 6, [
        sql`INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkex_status, wkex_started_at, wkex_span_received)
          VALUES (${wkex}, 'from-v6', 'completed', '2026-01-01T00:00:00.123Z', true)`,
        sql`INSERT INTO "SkillExecutions" (exec_id, wkex_id, exec_skill_name, exec_status, exec_started_at)
          VALUES (${skill}, ${wkex}, 'search', 'completed', '2026-01-01T00:00:00.456Z')`,
        sql`INSERT INTO "LlmCalls" (trace_id, span_id, wkex_id, operation, started_at, completed_at, duration_ms, total_tokens)
          VALUES ('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', ${wkex}, 'chat', '2026-01-01T00:00:00.5Z',
            '2026-01-01T00:00:01Z', 500, 42)`,
        sql`INSERT INTO "SpanLinks" (trace_id, span_id, parent_span_id, role, exec_id, wkex_id, resolved)
          VALUES ('0af7651916cd43dd8448eb211c80319c', 'c7ad6b7169203331', 'b7ad6b7169203331', 'db', ${skill}, ${wkex}, true)`,
      ]);
      const handle = await openDatabase(database.target);
      const [workflow] = await select<{ wkex_started_at: string }>(
        handle,
        sql`SELECT wkex_started_at FROM "WorkflowExecutions" WHERE wkex_id = ${wkex}`,
      );
      const skills = await select(handle, sql`SELECT exec_id, wkex_id FROM "SkillExecutions"`);
      const llm = await select<{ llm_id: string | null; total_tokens: number }>(
        handle,
        sql`SELECT llm_id, total_tokens FROM "LlmCalls"`,
      );
      const calls = await select(handle, sql`SELECT kind, wkex_id, exec_id FROM "ClientCalls"`);
      await handle.close();
      expect(parseTimestamp(workflow?.wkex_started_at ?? "")).toBe("2026-01-01T00:00:00.123000Z");
      expect(skills).toEqual([{ exec_id: skill, wkex_id: wkex }]);
      expect(llm).toEqual([{ llm_id: expect.stringMatching(/^[0-9a-f-]{36}$/), total_tokens: 42 }]);
      // the db call keeps counting into its workflow and skill
      expect(calls).toEqual([{ kind: "db", wkex_id: wkex, exec_id: skill }]);
    } finally {
      await database.drop();
    }
  });
  it("convert the rollup cells of the previous version to packed histograms equal to the rows'", async () => {
    const database = await kind.create({ empty: true });
    try {
      // kept by the 0010 triggers as bucket and count arrays
      await olderDatabase(database.target, 11, [
        sql`INSERT INTO "SkillExecutions" (exec_id, exec_skill_name, exec_status, exec_started_at, exec_duration_ms)
          SELECT gen_random_uuid(), 'skill-' || (i % 3), 'completed', '2026-01-01T00:00:00Z'::timestamptz + i * interval '7 min',
            (i * i) % 40000
          FROM generate_series(1, 500) i`,
        sql`INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkex_status, wkex_started_at, wkex_total_duration_ms)
          SELECT gen_random_uuid(), 'w-' || i, 'failed', '2026-01-01T00:00:00Z'::timestamptz + i * interval '11 min',
            CASE WHEN i % 5 = 0 THEN NULL ELSE i * 37 END
          FROM generate_series(1, 200) i`,
      ]);
      const handle = await openDatabase(database.target);
      const cells = sql`SELECT bucket_hours, bucket_start::text, skill_name AS name, duration_histogram::text FROM "SkillRollups"
        UNION ALL SELECT bucket_hours, bucket_start::text, workflow_name, duration_histogram::text FROM "WorkflowRollups"
        ORDER BY 1, 2, 3, 4`;
      const converted = await select(handle, cells);
      await rebuildRollups(handle.db);
      const rebuilt = await select(handle, cells);
      await handle.close();
      expect(converted.length).toBeGreaterThan(0);
      expect(converted).toEqual(rebuilt);
    } finally {
      await database.drop();
    }
  });

  it("give the cells of the previous version the performance of their rows, as a rebuild does", async () => {
    const database = await kind.create({ empty: true });
    try {
      // metadata.performance as execlens derives it, as an app may send it (partly, or not a number), and none
      await olderDatabase(database.target, 15, [
        sql`INSERT INTO "SkillExecutions" (exec_id, exec_skill_name, exec_status, exec_started_at, exec_duration_ms, exec_attributes)
          SELECT gen_random_uuid(), 'skill-' || (i % 3), CASE WHEN i % 4 = 0 THEN 'failed' ELSE 'completed' END,
            '2026-01-01T00:00:00Z'::timestamptz + i * interval '13 min', i * 3,
            CASE i % 5
              WHEN 0 THEN jsonb_build_object('metadata', jsonb_build_object('performance', jsonb_build_object(
                'dbQueries', 1, 'dbQueryTime', i * 0.125, 'apiCalls', 1, 'apiCallTime', i * 0.5, 'transformTime', i * 2.375)))
              WHEN 1 THEN jsonb_build_object('metadata', jsonb_build_object('performance', jsonb_build_object('transformTime', i)))
              WHEN 2 THEN jsonb_build_object('metadata', jsonb_build_object('performance', jsonb_build_object('transformTime', 'fast')))
              ELSE '{}'::jsonb END
          FROM generate_series(1, 600) i`,
      ]);
      const handle = await openDatabase(database.target);
      const cells = sql`SELECT bucket_hours, bucket_start::text, skill_name, status,
          concat_ws('/', performance_count, trim_scale(own_time_sum), trim_scale(db_time_sum), db_time_count,
            trim_scale(api_time_sum), api_time_count) AS performance
        FROM "SkillRollups" ORDER BY 1, 2, 3, 4`;
      const converted = await select<{ performance: string }>(handle, cells);
      await rebuildRollups(handle.db);
      const rebuilt = await select(handle, cells);
      await handle.close();
      expect(converted.filter((c) => !c.performance.startsWith("0/")).length).toBeGreaterThan(0);
      expect(converted).toEqual(rebuilt);
    } finally {
      await database.drop();
    }
  });
  it("give the retried executions of the previous version their attempt number column, as a write does", async () => {
    const database = await kind.create({ empty: true });
    try {
      // declared and derived retries, a first attempt, text that is no count, and none
      await olderDatabase(database.target, 22, [
        sql`INSERT INTO "SkillExecutions" (exec_id, exec_skill_name, exec_attributes)
          SELECT gen_random_uuid(), 'skill-' || i, CASE i % 5
              WHEN 0 THEN jsonb_build_object('metadata', jsonb_build_object('retry', jsonb_build_object('attemptNumber', i)))
              WHEN 1 THEN jsonb_build_object('metadata', jsonb_build_object('retry', jsonb_build_object('attemptNumber', (i % 7)::text, 'derived', true)))
              WHEN 2 THEN jsonb_build_object('metadata', jsonb_build_object('retry', jsonb_build_object('attemptNumber', 1)))
              WHEN 3 THEN jsonb_build_object('metadata', jsonb_build_object('retry', jsonb_build_object('attemptNumber', 'again')))
              ELSE '{"metadata": {}}'::jsonb END
          FROM generate_series(1, 200) i`,
      ]);
      const handle = await openDatabase(database.target);
      const attempts = sql`SELECT exec_skill_name AS skill, exec_retry_attempt AS attempt FROM "SkillExecutions" ORDER BY 1`;
      const migrated = await select<{ skill: string; attempt: number | null }>(handle, attempts);
      // what the trigger sets when each document is written again
      await handle.db.execute(sql`UPDATE "SkillExecutions" SET exec_attributes = exec_attributes || '{}'`);
      const written = await select(handle, attempts);
      await handle.close();
      expect(migrated.filter((r) => r.attempt !== null).length).toBe(40 + 28);
      expect(migrated).toEqual(written);
    } finally {
      await database.drop();
    }
  });
});
