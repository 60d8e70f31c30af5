import { sql } from "drizzle-orm";
import pino from "pino";
import { expect, it, onTestFinished } from "vitest";
import { analyzeGrownTables, autovacuumRuns, type Database, REANALYZE_AFTER_MS } from "../src/store/index.js";
import { queryRows } from "../src/store/transaction.js";
import { startUpkeep } from "../src/upkeep/index.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";
import { ingestDataset } from "./helpers/dataset.js";

/** A server here may run autovacuum: kept off the schema's tables, as where it does not run. */
async function keepAutovacuumOff(db: Database): Promise<void> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`SELECT relname AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'`,
  );
  for (const { name } of tables) {
    await db.execute(sql`ALTER TABLE ${sql.identifier(name)} SET (autovacuum_enabled = false)`);
  }
}

describeEachDatabase("planner statistics as tables grow", (kind) => {
  const database = useOpenDatabase(kind);

  it("autovacuum is taken to run only on a server with it and track_counts on", async () => {
    const handle = database.handle;
    if (handle.kind === "pglite") {
      expect(await autovacuumRuns(handle)).toBe(false);
      return;
    }
    const [settings] = await queryRows<{ autovacuum: string; track_counts: string }>(
      handle.db,
      sql`SELECT current_setting('autovacuum') AS autovacuum, current_setting('track_counts') AS track_counts`,
    );
    expect(await autovacuumRuns(handle)).toBe(
      settings?.autovacuum === "on" && settings.track_counts === "on",
    );
  });

  it("tables grown since their statistics are analyzed once, then not again until they grow", async () => {
    const db = database.handle.db;
    await keepAutovacuumOff(db);
    const statistics = () =>
      queryRows<{ name: string; tuples: number }>(
        db,
        sql`SELECT relname AS name, reltuples::float8 AS tuples FROM pg_class
          WHERE relname IN ('SkillExecutions', 'WorkflowExecutions') ORDER BY relname`,
      );
    await ingestDataset(db, { seed: 5, traces: 150 });
    const rows = await queryRows<{ skills: number; workflows: number }>(
      db,
      sql`SELECT (SELECT count(*) FROM "SkillExecutions")::int AS skills,
        (SELECT count(*) FROM "WorkflowExecutions")::int AS workflows`,
    );
    // the migrations analyzed some tables while empty; none knows its rows yet
    for (const table of await statistics()) expect(table.tuples, table.name).toBeLessThanOrEqual(0);

    const analyzed = await analyzeGrownTables(db);
    expect(analyzed).toEqual(expect.arrayContaining(["SkillExecutions", "TraceIndex", "WorkflowExecutions"]));
    const [counts] = rows;
    expect(Object.fromEntries((await statistics()).map((t) => [t.name, t.tuples]))).toEqual({
      SkillExecutions: counts?.skills,
      WorkflowExecutions: counts?.workflows,
    });
    expect(await analyzeGrownTables(db)).toEqual([]);

    await ingestDataset(db, { seed: 6, traces: 300, traceOffset: 1000 });
    expect(await analyzeGrownTables(db)).toEqual(
      expect.arrayContaining(["SkillExecutions", "TraceIndex", "WorkflowExecutions"]),
    );
  });

  it("upkeep analyzes the tables the writer grew within seconds", async () => {
    const db = database.handle.db;
    await ingestDataset(db, { seed: 7, traces: 100 });
    const [stored] = await queryRows<{ skills: number }>(
      db,
      sql`SELECT count(*)::int AS skills FROM "SkillExecutions"`,
    );
    const upkeep = startUpkeep(
      db,
      {
        sweepIntervalMs: 3_600_000,
        defaultTimeoutMs: 3_600_000,
        settleAfterMs: 3_600_000,
        retentionDays: undefined,
      },
      [],
      pino({ level: "silent" }),
    );
    onTestFinished(() => upkeep.stop(Date.now() + 5_000));
    // the writer's prepared plans are made from these statistics: autovacuum's first pass, a minute
    // after start where it runs at all, is too late
    await expect
      .poll(
        async () =>
          (
            await queryRows<{ tuples: number }>(
              db,
              sql`SELECT reltuples::float8 AS tuples FROM pg_class WHERE oid = '"SkillExecutions"'::regclass`,
            )
          )[0]?.tuples,
        { timeout: 8_000, interval: 250 },
      )
      .toBe(stored?.skills);
  });

  it("a table grown by a tenth waits a minute after its last ANALYZE for the next; one that doubled does not", async () => {
    const db = database.handle.db;
    await keepAutovacuumOff(db);
    const analyzedAt = new Map<string, number>();
    const t0 = Date.now();
    // the skills' heap grows with every trace (the workflows' documents go to TOAST)
    const skills = (names: string[]) => names.filter((name) => name === "SkillExecutions");
    await ingestDataset(db, { seed: 8, traces: 150, traceOffset: 5000 });
    expect(skills(await analyzeGrownTables(db, analyzedAt, t0))).toEqual(["SkillExecutions"]);
    // a fifth more: grown by over a tenth, far from doubled
    await ingestDataset(db, { seed: 9, traces: 150, traceOffset: 6000 });
    expect(skills(await analyzeGrownTables(db, analyzedAt, t0 + 1_000))).toEqual([]);
    expect(skills(await analyzeGrownTables(db, analyzedAt, t0 + REANALYZE_AFTER_MS))).toEqual([
      "SkillExecutions",
    ]);
    // more than doubled since: at once
    await ingestDataset(db, { seed: 10, traces: 900, traceOffset: 7000 });
    expect(skills(await analyzeGrownTables(db, analyzedAt, t0 + REANALYZE_AFTER_MS + 1_000))).toEqual([
      "SkillExecutions",
    ]);
  });
});
