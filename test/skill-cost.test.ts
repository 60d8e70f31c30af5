import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { llmCallRows, skillRows, workflowRows } from "./helpers/rows.js";
import { runToolModelApp } from "./helpers/test-app.js";

describeEachDatabase("a skill's metadata.cost: the model requests made inside it", (kind) => {
  const execlens = useExeclens(kind);

  it("an AI SDK tool that calls a model costs that model request's tokens and price", async () => {
    const { functionId } = await runToolModelApp(execlens.tracesUrl, kind.name);
    const [workflow] = (await workflowRows(execlens.database.db)).filter(
      (w) => w.wkex_workflow_name === functionId,
    );
    const [tool] = await skillRows(execlens.database.db, workflow?.wkex_trace_id as string);
    expect(tool?.exec_skill_name).toBe("summarise");
    const inside = (await llmCallRows(execlens.database.db, workflow?.wkex_id as string)).filter(
      (c) => c.exec_id === tool?.exec_id && c.leaf,
    );
    expect(inside.map((c) => [c.model, c.total_tokens])).toEqual([["gpt-4o", 940]]);
    const [request] = inside;
    expect(tool?.exec_attributes).toMatchObject({
      metadata: {
        cost: {
          tokensUsed: 940,
          estimatedCost: Number(Number(request?.cost_usd).toFixed(8)),
          currency: "USD",
          llmCalls: 1,
        },
      },
    });
    // the workflow still counts every request once
    const { rows } = (await execlens.database.db.execute(
      sql`SELECT sum(total_tokens)::int AS total FROM "LlmCalls" WHERE wkex_id = ${workflow?.wkex_id as string} AND leaf`,
    )) as unknown as { rows: Array<{ total: number }> };
    const total = rows[0]?.total;
    expect(Number(workflow?.wkex_total_tokens)).toBe(total);
  }, 60_000);
});
