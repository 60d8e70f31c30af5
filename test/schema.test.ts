import { type SQL, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";

/** The seed's "ÍNDICES RECOMENDADOS", in execlens' column names: [name, table, columns and predicate]. */
const SEED_INDEXES: [string, string, string][] = [
  ["idx_skillexecutions_skill", "SkillExecutions", "(skill_id)"],
  ["idx_skillexecutions_companion", "SkillExecutions", "(companion_id)"],
  ["idx_skillexecutions_user", "SkillExecutions", "(user_id)"],
  ["idx_skillexecutions_status", "SkillExecutions", "(exec_status)"],
  ["idx_skillexecutions_session", "SkillExecutions", "(exec_session_id)"],
  ["idx_skillexecutions_created", "SkillExecutions", "(exec_created_at DESC)"],
  ["idx_skillexecutions_status_created", "SkillExecutions", "(exec_status, exec_created_at DESC)"],
  ["idx_skillexecutions_duration", "SkillExecutions", "(exec_duration_ms DESC)"],
  ["idx_workflowexecutions_workflow", "WorkflowExecutions", "(wkfl_id)"],
  ["idx_workflowexecutions_companion", "WorkflowExecutions", "(companion_id)"],
  ["idx_workflowexecutions_user", "WorkflowExecutions", "(user_id)"],
  ["idx_workflowexecutions_org", "WorkflowExecutions", "(organization_id)"],
  ["idx_workflowexecutions_status", "WorkflowExecutions", "(wkex_status)"],
  ["idx_workflowexecutions_session", "WorkflowExecutions", "(wkex_session_id)"],
  ["idx_workflowexecutions_started", "WorkflowExecutions", "(wkex_started_at DESC)"],
  ["idx_workflowexecutions_status_started", "WorkflowExecutions", "(wkex_status, wkex_started_at DESC)"],
  [
    "idx_workflowexecutions_current_step",
    "WorkflowExecutions",
    "(wkex_current_step_order) WHERE ((wkex_status)::text = ANY ((ARRAY['running'::character varying, 'paused'::character varying])::text[]))",
  ],
  [
    "idx_workflowexecutions_failed",
    "WorkflowExecutions",
    "(wkex_error_step, wkex_error_message) WHERE ((wkex_status)::text = 'failed'::text)",
  ],
  ["idx_workflowexecutions_execution_id", "WorkflowExecutions", "UNIQUE (wkex_execution_id)"],
];

type Rows<T> = { rows: T[] };

describeEachDatabase("schema", (kind) => {
  const database = useOpenDatabase(kind);

  it("has every index of the seed, by its columns and predicate", async () => {
    const { rows } = (await database.handle.db.execute(
      sql`SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
    )) as unknown as Rows<{ indexname: string; tablename: string; indexdef: string }>;
    const found = new Map(
      rows.map((r) => {
        const unique = r.indexdef.startsWith("CREATE UNIQUE") ? "UNIQUE " : "";
        const shape = r.indexdef.replace(/^.* USING btree /, "");
        return [r.indexname, [r.tablename, `${unique}${shape}`]];
      }),
    );
    for (const [name, table, shape] of SEED_INDEXES) {
      expect(found.get(name), name).toEqual([table, shape]);
    }
  });

  it("is migrated once: opening it again applies nothing and keeps the rows", async () => {
    await database.handle.db.execute(
      sql`INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id) VALUES ('00000000-0000-4000-8000-000000000001', 'keep-me')`,
    );
    await database.reopen();
    const { rows } = (await database.handle.db.execute(
      sql`SELECT wkex_execution_id FROM "WorkflowExecutions"`,
    )) as unknown as Rows<{ wkex_execution_id: string }>;
    expect(rows.map((r) => r.wkex_execution_id)).toEqual(["keep-me"]);
  });

  it("compresses the large JSON documents with lz4 on PostgreSQL, with pglz on PGlite (built without lz4)", async () => {
    const { rows } = (await database.handle.db.execute(
      sql`SELECT attrelid::regclass::text AS "table", attname AS "column", attcompression AS method
          FROM pg_attribute WHERE attname IN ('wkex_attributes', 'wstp_attributes', 'exec_attributes', 'messages', 'step', 'change', 'detail')
            AND attrelid::regclass::text IN ('"WorkflowExecutions"', '"WorkflowStepExecutions"', '"SkillExecutions"', '"LlmCalls"', '"AiCalls"', '"ClientCalls"')`,
    )) as unknown as Rows<{ table: string; column: string; method: string }>;
    expect(rows).toHaveLength(7);
    for (const row of rows)
      expect(row.method, `${row.table}.${row.column}`).toBe(kind.name === "postgres" ? "l" : "");
    // a document over the compression threshold reads back as written
    const document = { text: "report ".repeat(2000), n: 1 };
    await database.handle.db.execute(
      sql`INSERT INTO "SkillExecutions" (exec_id, exec_skill_name, exec_attributes)
          VALUES ('00000000-0000-4000-8000-0000000000c1', 'compressed', ${JSON.stringify(document)}::jsonb)`,
    );
    const read = (await database.handle.db.execute(
      sql`SELECT exec_attributes AS a, pg_column_compression(exec_attributes) AS method FROM "SkillExecutions" WHERE exec_skill_name = 'compressed'`,
    )) as unknown as Rows<{ a: unknown; method: string }>;
    expect(read.rows[0]?.a).toEqual(document);
    expect(read.rows[0]?.method).toBe(kind.name === "postgres" ? "lz4" : "pglz");
  });

  it("keeps no column statistics of the large JSON documents: an ANALYZE would detoast every sampled one", async () => {
    const { rows } = (await database.handle.db.execute(
      sql`SELECT attrelid::regclass::text AS "table", attname AS "column", attstattarget AS target
          FROM pg_attribute WHERE attnum > 0 AND NOT attisdropped
            AND attrelid::regclass::text IN ('"WorkflowExecutions"', '"WorkflowStepExecutions"', '"SkillExecutions"', '"LlmCalls"', '"AiCalls"', '"ClientCalls"')`,
    )) as unknown as Rows<{ table: string; column: string; target: number | null }>;
    const none = rows.filter((r) => r.target === 0).map((r) => `${r.table}.${r.column}`);
    expect(none.sort()).toEqual(
      [
        '"AiCalls".change',
        '"ClientCalls".detail',
        '"LlmCalls".messages',
        '"LlmCalls".step',
        '"SkillExecutions".exec_attributes',
        '"WorkflowExecutions".wkex_attributes',
        '"WorkflowStepExecutions".wstp_attributes',
      ].sort(),
    );
    await database.handle.db.execute(
      sql`INSERT INTO "SkillExecutions" (exec_id, exec_skill_name, exec_attributes) VALUES
        ('00000000-0000-4000-8000-0000000000e1', 'analyzed', '{"metadata": {"n": 1}}'),
        ('00000000-0000-4000-8000-0000000000e2', 'analyzed', '{"metadata": {"n": 2}}')`,
    );
    await database.handle.db.execute(sql`ANALYZE "SkillExecutions"`);
    const analyzed = (await database.handle.db.execute(
      sql`SELECT attname AS "column" FROM pg_stats
          WHERE tablename = 'SkillExecutions' AND attname IN ('exec_attributes', 'exec_skill_name')`,
    )) as unknown as Rows<{ column: string }>;
    expect(analyzed.rows.map((r) => r.column)).toEqual(["exec_skill_name"]);
  });

  it("keeps the rollup notes out of the WAL (they never outlive their transaction), and the rest in it", async () => {
    const { rows } = (await database.handle.db.execute(
      sql`SELECT relname AS "table", relpersistence AS persistence FROM pg_class
          WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname`,
    )) as unknown as Rows<{ table: string; persistence: string }>;
    const unlogged = rows.filter((r) => r.persistence === "u").map((r) => r.table);
    expect(unlogged).toEqual(["RollupChanges"]);
    expect(rows.filter((r) => r.persistence === "p").map((r) => r.table)).toEqual(
      expect.arrayContaining(["SkillRollups", "WorkflowRollups", "SkillExecutions", "SpanIndex"]),
    );
    // a commit still leaves no note behind
    await database.handle.db.execute(
      sql`INSERT INTO "SkillExecutions" (exec_id, exec_skill_name, exec_status, exec_duration_ms)
          VALUES ('00000000-0000-4000-8000-0000000000d1', 'noted', 'completed', 12)`,
    );
    const left = (await database.handle.db.execute(
      sql`SELECT (SELECT count(*) FROM "RollupChanges")::int AS notes,
            (SELECT sum(executions) FROM "SkillRollups" WHERE skill_name = 'noted')::int AS executions`,
    )) as unknown as Rows<{ notes: number; executions: number }>;
    expect(left.rows[0]).toEqual({ notes: 0, executions: 4 });
  });

  it("stamps wkex_updated_at on every update (trigger)", async () => {
    await database.handle.db.execute(
      sql`INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkex_updated_at)
          VALUES ('00000000-0000-4000-8000-000000000002', 'touch-me', '2000-01-01T00:00:00Z')`,
    );
    await database.handle.db.execute(
      sql`UPDATE "WorkflowExecutions" SET wkex_status = 'running' WHERE wkex_execution_id = 'touch-me'`,
    );
    const { rows } = (await database.handle.db.execute(
      sql`SELECT wkex_updated_at > '2020-01-01'::timestamptz AS touched FROM "WorkflowExecutions" WHERE wkex_execution_id = 'touch-me'`,
    )) as unknown as Rows<{ touched: boolean }>;
    expect(rows[0]?.touched).toBe(true);
  });

  it("keeps exec_retry_attempt, the retried index's column, equal to the document's attempt number on every write of it (trigger)", async () => {
    const id = "00000000-0000-4000-8000-000000000004";
    const attempt = async (write: SQL) => {
      await database.handle.db.execute(write);
      const { rows } = (await database.handle.db.execute(
        sql`SELECT exec_retry_attempt AS attempt FROM "SkillExecutions" WHERE exec_id = ${id}`,
      )) as unknown as Rows<{ attempt: number | null }>;
      return rows[0]?.attempt;
    };
    const setRetry = (retry: string) =>
      sql`UPDATE "SkillExecutions" SET exec_attributes = jsonb_set(exec_attributes, '{metadata,retry}', ${retry}::jsonb) WHERE exec_id = ${id}`;
    expect(
      await attempt(sql`INSERT INTO "SkillExecutions" (exec_id, exec_skill_name, exec_attributes)
        VALUES (${id}, 'retried', '{"metadata": {"retry": {"attemptNumber": 3}}}')`),
    ).toBe(3);
    expect(await attempt(setRetry(`{"attemptNumber": "4"}`))).toBe(4);
    // a first attempt, and text that is no count, are not retried: no write is refused for them
    expect(await attempt(setRetry(`{"attemptNumber": 1}`))).toBeNull();
    expect(await attempt(setRetry(`{"attemptNumber": "twice"}`))).toBeNull();
    expect(await attempt(setRetry(`{"attemptNumber": 99999999999}`))).toBeNull();
    expect(await attempt(setRetry(`{"attemptNumber": 2}`))).toBe(2);
    expect(
      await attempt(sql`UPDATE "SkillExecutions" SET exec_status = 'failed' WHERE exec_id = ${id}`),
    ).toBe(2);
    expect(
      await attempt(
        sql`UPDATE "SkillExecutions" SET exec_attributes = exec_attributes #- '{metadata,retry}' WHERE exec_id = ${id}`,
      ),
    ).toBeNull();
  });

  it("refuses statuses outside the seed's lists", async () => {
    await expect(
      database.handle.db.execute(
        sql`INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkex_status) VALUES ('00000000-0000-4000-8000-000000000003', 'bad', 'exploded')`,
      ),
    ).rejects.toThrow();
  });
});
