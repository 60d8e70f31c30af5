/**
 * The span index keeps the spans of a trace's first batch (usually the whole trace) as one
 * "TraceIndex" row, and spans of later batches, and entries that change, as "SpanIndex" rows,
 * which take precedence over the packed entry of the same span. Late spans attach through either.
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import type { Span } from "../src/model/index.js";
import { type Database, writeChanges } from "../src/store/index.js";
import { queryRows } from "../src/store/transaction.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";
import { skillRows, workflowRows } from "./helpers/rows.js";
import { treeSpan } from "./helpers/spans.js";

/** A workflow span `w` (execution `execution`) and its step `s` of order `order`. */
function workflowAndStep(traceId: string, w: string, s: string, execution: string, order: number): Span[] {
  return [
    treeSpan(traceId, w, undefined, "workflow", {
      "workflow.name": execution,
      "workflow.execution.id": execution,
    }),
    treeSpan(traceId, s, w, "step", { "workflow.step.id": "s1", "workflow.step.order": order }),
  ];
}

async function indexOf(db: Database, traceId: string) {
  const [row] = await queryRows<{ packed: number[]; single: number }>(
    db,
    sql`SELECT ARRAY(SELECT cardinality(span_ids) FROM "TraceIndex" WHERE trace_id = decode(${traceId}, 'hex')) AS packed,
      (SELECT count(*)::int FROM "SpanIndex" WHERE trace_id = decode(${traceId}, 'hex')) AS single`,
  );
  return row;
}

describeEachDatabase("the span index, one row per trace for its first batch", (kind) => {
  const database = useOpenDatabase(kind);

  it("a trace written whole is one row; a late child of any of its spans attaches through it", async () => {
    const db = database.handle.db;
    const trace = "7a1e0000000000000000000000000001";
    await writeChanges(
      db,
      mapSpans([
        ...workflowAndStep(trace, "00000000000000a1", "00000000000000a2", "packed-1", 1),
        treeSpan(trace, "00000000000000a3", "00000000000000a2", "render template"),
      ]),
    );
    expect(await indexOf(db, trace)).toEqual({ packed: [3], single: 0 });

    // under the span without a role, a batch later
    await writeChanges(
      db,
      mapSpans([treeSpan(trace, "00000000000000a4", "00000000000000a3", "skill", { "skill.name": "late" })]),
    );
    const [workflow] = await workflowRows(db, trace);
    const [skill] = await skillRows(db, trace);
    expect(skill).toMatchObject({ wkex_id: workflow?.wkex_id, exec_step_number: 1, exec_skill_name: "late" });
    expect(await indexOf(db, trace)).toEqual({ packed: [3], single: 1 });
  });

  it("children first: their packed entries wait; the batch that brings the parent overrides them and they attach", async () => {
    const db = database.handle.db;
    const trace = "7a1e0000000000000000000000000002";
    await writeChanges(
      db,
      mapSpans([
        treeSpan(trace, "00000000000000b3", "00000000000000b2", "skill", { "skill.name": "early" }),
        treeSpan(trace, "00000000000000b4", "00000000000000b3", "render template"),
      ]),
    );
    expect(await indexOf(db, trace)).toEqual({ packed: [2], single: 0 });
    const [waiting] = await queryRows<{ waiting: number }>(
      db,
      sql`SELECT count(*)::int AS waiting FROM "TraceIndex", unnest(waiting_fors) AS w
        WHERE trace_id = decode(${trace}, 'hex') AND w = decode('00000000000000b2', 'hex')`,
    );
    expect(waiting?.waiting).toBe(2);

    await writeChanges(
      db,
      mapSpans(workflowAndStep(trace, "00000000000000b1", "00000000000000b2", "packed-2", 2)),
    );
    const [workflow] = await workflowRows(db, trace);
    expect(await skillRows(db, trace)).toEqual([
      expect.objectContaining({ wkex_id: workflow?.wkex_id, exec_step_number: 2, exec_skill_name: "early" }),
    ]);
    // the two new spans and the two completed chains, over their packed entries
    expect(await indexOf(db, trace)).toEqual({ packed: [2], single: 4 });

    // a batch later, under the span whose packed entry was overridden
    await writeChanges(
      db,
      mapSpans([treeSpan(trace, "00000000000000b5", "00000000000000b4", "skill", { "skill.name": "later" })]),
    );
    const skills = await skillRows(db, trace);
    expect(skills.map((s) => [s.exec_skill_name, s.wkex_id, s.exec_step_number])).toEqual([
      ["early", workflow?.wkex_id, 2],
      ["later", workflow?.wkex_id, 2],
    ]);
  });
});
