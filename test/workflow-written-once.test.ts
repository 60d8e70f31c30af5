import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import { writeChanges } from "../src/store/index.js";
import { queryRows } from "../src/store/transaction.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";
import { datasetSpans } from "./helpers/dataset.js";
import { workflowRows } from "./helpers/rows.js";

describeEachDatabase("workflow executions written once", (kind) => {
  const database = useOpenDatabase(kind);

  it("a batch holding whole traces inserts each workflow execution complete and never updates it", async () => {
    const db = database.handle.db;
    await db.execute(sql`CREATE TABLE workflow_writes (op text, wkex_id uuid, completed_steps int)`);
    await db.execute(sql`CREATE FUNCTION note_workflow_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO workflow_writes VALUES (TG_OP, NEW.wkex_id, NEW.wkex_completed_steps); RETURN NULL; END $$`);
    await db.execute(sql`CREATE TRIGGER note_workflow_write AFTER INSERT OR UPDATE ON "WorkflowExecutions"
      FOR EACH ROW EXECUTE FUNCTION note_workflow_write()`);
    const traces = datasetSpans({ seed: 11, traces: 20 });
    await writeChanges(db, mapSpans(traces.flat()));

    const writes = await queryRows<{ op: string; wkex_id: string; completed_steps: number }>(
      db,
      sql`SELECT op, wkex_id, completed_steps FROM workflow_writes`,
    );
    const stored = await workflowRows(db);
    expect(stored).toHaveLength(20);
    expect(writes.map((w) => w.op)).toEqual(stored.map(() => "INSERT"));
    // inserted with what it derives from its steps, not a row to be completed by a second write
    const completed = new Map(stored.map((w) => [w.wkex_id, w.wkex_completed_steps]));
    for (const write of writes) expect(write.completed_steps).toBe(completed.get(write.wkex_id));
    expect(stored.some((w) => (w.wkex_completed_steps as number) > 0)).toBe(true);
  });

  it("a workflow stored before its steps is updated from them when they come", async () => {
    const db = database.handle.db;
    await db.execute(sql`TRUNCATE workflow_writes`);
    const [trace] = datasetSpans({ seed: 12, traces: 1, traceOffset: 500 });
    const spans = trace ?? [];
    const isRoot = (s: (typeof spans)[number]) => !s.parentSpanId;
    await writeChanges(db, mapSpans(spans.filter(isRoot)));
    await writeChanges(db, mapSpans(spans.filter((s) => !isRoot(s))));
    const writes = await queryRows<{ op: string; completed_steps: number }>(
      db,
      sql`SELECT op, completed_steps FROM workflow_writes`,
    );
    const [workflow] = await workflowRows(db, spans[0]?.traceId);
    expect(writes.map((w) => w.op)).toEqual(["INSERT", "UPDATE"]);
    expect(writes[0]?.completed_steps).toBe(0);
    expect(writes[1]?.completed_steps).toBe(workflow?.wkex_completed_steps);
    expect(workflow?.wkex_total_steps).toBeGreaterThan(0);
  });
});
