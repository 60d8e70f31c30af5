import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import {
  type Database,
  deleteExpired,
  type RetentionBatch,
  walBudget,
  writeChanges,
} from "../src/store/index.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";
import { skillRows, stepRows, workflowRows } from "./helpers/rows.js";
import { span } from "./helpers/spans.js";

const DAY = 86_400_000;

/** One skill execution of 10 ms, alone in its trace. */
async function writeSkill(db: Database, traceId: string, startMs: number, name: string) {
  await writeChanges(
    db,
    mapSpans([
      span({
        traceId,
        spanId: "0000000000000001",
        name: "skill",
        startMs,
        endMs: startMs + 10,
        attributes: { "skill.name": name },
      }),
    ]),
  );
}

describeEachDatabase("retention", (kind) => {
  const database = useOpenDatabase(kind);

  it("deletes executions (and their steps) older than the retention and keeps the newer ones intact", async () => {
    const db = database.handle.db;
    const now = Date.now();
    // one workflow with a step and a skill every 5 days over 4 months
    for (let age = 2; age <= 120; age += 5) {
      const traceId = age.toString(16).padStart(32, "a");
      const start = now - age * DAY;
      await writeChanges(
        db,
        mapSpans([
          span({
            traceId,
            spanId: "0000000000000001",
            name: "workflow",
            startMs: start,
            endMs: start + 100,
            attributes: { "workflow.name": `w${age}` },
          }),
          span({
            traceId,
            spanId: "0000000000000002",
            parentSpanId: "0000000000000001",
            name: "step",
            startMs: start + 1,
            endMs: start + 50,
            attributes: { "workflow.step.id": "s1", "workflow.step.order": 1 },
          }),
          span({
            traceId,
            spanId: "0000000000000003",
            parentSpanId: "0000000000000002",
            name: "skill",
            startMs: start + 2,
            endMs: start + 40,
            attributes: { "skill.name": `k${age}` },
          }),
        ]),
      );
    }
    const before = { workflows: await workflowRows(db), skills: await skillRows(db) };
    const cutoff = new Date(now - 60 * DAY);
    const keep = (started: unknown) => Date.parse(started as string) >= cutoff.getTime();
    const deleted = await deleteExpired(db, cutoff);

    const workflows = await workflowRows(db);
    expect(workflows.map((w) => w.wkex_id)).toEqual(
      before.workflows.filter((w) => keep(w.wkex_started_at)).map((w) => w.wkex_id),
    );
    // the kept rows are untouched, column for column
    expect(workflows).toEqual(before.workflows.filter((w) => keep(w.wkex_started_at)));
    expect(await skillRows(db)).toEqual(before.skills.filter((s) => keep(s.exec_started_at)));
    const steps = await stepRows(db);
    expect(new Set(steps.map((s) => s.wkex_id))).toEqual(new Set(workflows.map((w) => w.wkex_id)));
    expect(deleted.workflows).toBe(before.workflows.length - workflows.length);
    expect(deleted.steps).toBe(deleted.workflows);
    expect(deleted.workflows).toBeGreaterThan(5);
  });

  it("from the previous cutoff, looks only at rows from there on; without it, at all of them", async () => {
    const db = database.handle.db;
    const now = Date.now();
    // one skill 100 and one 50 days old, once more (the first test deleted what was older than 60 days)
    for (const age of [100, 50]) {
      await writeSkill(db, (1000 + age).toString(16).padStart(32, "b"), now - age * DAY, `late${age}`);
    }
    const names = async () =>
      (await skillRows(db)).map((s) => s.exec_skill_name).filter((n) => String(n).startsWith("late"));
    const partial = await deleteExpired(db, new Date(now - 40 * DAY), { since: new Date(now - 60 * DAY) });
    expect(partial.skills).toBeGreaterThan(0);
    expect(await names()).toEqual(["late100"]);
    await deleteExpired(db, new Date(now - 40 * DAY));
    expect(await names()).toEqual([]);
  });

  it("paces its batches by the WAL they write: rests as long as a batch's WAL takes at the budget's rate", async () => {
    const db = database.handle.db;
    const now = Date.now();
    for (let n = 0; n < 12; n++) {
      await writeSkill(db, (5000 + n).toString(16).padStart(32, "c"), now - 90 * DAY + n * 1000, `paced${n}`);
    }
    const batches: RetentionBatch[] = [];
    const walBytesPerSecond = 100_000;
    const deleted = await deleteExpired(db, new Date(now - 80 * DAY), {
      batchRows: 5,
      walBytesPerSecond,
      onBatch: (batch) => batches.push(batch),
    });
    expect(deleted.skills).toBe(12);
    const skillBatches = batches.filter((b) => b.rows > 0).map((b) => b.rows);
    expect(skillBatches).toEqual([5, 5, 2]);
    for (const batch of batches) {
      expect(batch.walBytes).toBeGreaterThanOrEqual(0);
      if (batch.rows < 5) expect(batch.restMs).toBe(0);
      else {
        // at least the rows' own delete records, whatever the other test files write meanwhile
        expect(batch.walBytes).toBeGreaterThanOrEqual(batch.rows * 54);
        expect(batch.restMs).toBeGreaterThanOrEqual(batch.ms * 4);
        expect(batch.restMs).toBeGreaterThanOrEqual((batch.walBytes / walBytesPerSecond) * 1000 - batch.ms);
      }
    }
    expect(deleted.walBytes).toBe(batches.reduce((sum, b) => sum + b.walBytes, 0));
  });

  it("by default keeps to half the WAL rate the checkpoint settings sustain", async () => {
    const db = database.handle.db;
    const setting = async (name: string) =>
      String(
        ((await db.execute(sql.raw(`SHOW ${name}`))) as unknown as { rows: Array<Record<string, unknown>> })
          .rows[0]?.[name],
      );
    const bytes = { kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 } as const;
    const seconds = { s: 1, min: 60, h: 3600, d: 86_400 } as const;
    const size = /^(\d+)(kB|MB|GB|TB)$/.exec(await setting("max_wal_size"));
    const timeout = /^(\d+)(s|min|h|d)$/.exec(await setting("checkpoint_timeout"));
    const target = Number(await setting("checkpoint_completion_target"));
    expect(size).not.toBeNull();
    expect(timeout).not.toBeNull();
    const perCycle = Number(size?.[1]) * bytes[size?.[2] as keyof typeof bytes];
    const cycle = Number(timeout?.[1]) * seconds[timeout?.[2] as keyof typeof seconds];
    expect(await walBudget(db)).toBeCloseTo((0.5 * perCycle) / (1 + target) / cycle, 3);
  });
});
