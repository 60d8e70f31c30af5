import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import type { JsonValue } from "../src/model/index.js";
import { upsert, upsertRows } from "../src/store/insert-rows.js";
import { workflowStepExecutions } from "../src/store/schema/index.js";
import { queryRows } from "../src/store/transaction.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";

describeEachDatabase("upserts from kept statement texts", (kind) => {
  const database = useOpenDatabase(kind);

  it("write what the rows say for each set of columns, with a derived column and merge rules, again and again", async () => {
    const db = database.handle.db;
    const steps = upsert(
      workflowStepExecutions,
      ["wstpId"],
      { wstpId: "stored", createdAt: "stored", stepOrder: "coalesce" },
      { errorMessage: (row) => sql`upper(${row("errorMessage")})` },
    );
    const wkexId = "00000000-0000-4000-8000-0000000000aa";
    const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    const stored = () =>
      queryRows<{
        id: string;
        step: string | null;
        order: number | null;
        error: string | null;
        output: unknown;
      }>(
        db,
        sql`SELECT wstp_id AS id, wstp_step_id AS step, wstp_step_order AS "order", wstp_error_message AS error,
          wstp_attributes -> 'output' AS output FROM "WorkflowStepExecutions" ORDER BY wstp_id`,
      );
    const attributes = (output: JsonValue) => ({ input: null, output, metadata: {} });
    await db.transaction((tx) =>
      upsertRows(tx, steps, [
        {
          wstpId: id(1),
          wkexId,
          stepId: 'a "quoted" step',
          stepOrder: 1,
          errorMessage: "boom",
          attributes: attributes({ n: 1 }),
        },
        {
          wstpId: id(2),
          wkexId,
          stepId: null,
          stepOrder: 2,
          errorMessage: null,
          attributes: attributes(null),
        },
      ]),
    );
    // other columns: no error message, no attributes; a null order keeps the stored one
    await db.transaction((tx) =>
      upsertRows(tx, steps, [
        { wstpId: id(1), wkexId, stepId: "renamed", stepOrder: null },
        { wstpId: id(3), wkexId, stepId: "$1 and $2", stepOrder: 3 },
      ]),
    );
    // the first set of columns again, from its kept text
    await db.transaction((tx) =>
      upsertRows(tx, steps, [
        {
          wstpId: id(2),
          wkexId,
          stepId: "second",
          stepOrder: 5,
          errorMessage: "late",
          attributes: attributes([2]),
        },
      ]),
    );
    expect(steps.texts.size).toBe(2);
    expect(await stored()).toEqual([
      { id: id(1), step: "renamed", order: 1, error: "BOOM", output: { n: 1 } },
      { id: id(2), step: "second", order: 5, error: "LATE", output: [2] },
      { id: id(3), step: "$1 and $2", order: 3, error: null, output: null },
    ]);
  });
});
