import { expect, it } from "vitest";
import { ADMIN_URL, describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { skillRows, workflowRows } from "./helpers/rows.js";
import { runInstrumentedApp } from "./helpers/test-app.js";

describeEachDatabase("metadata.performance from db and http client spans", (kind) => {
  const execlens = useExeclens(kind);

  it("an app with instrumentation-pg and -http running a query and an HTTP call in a workflow gets dbQueries 1, apiCalls 1", async () => {
    const { workflowName } = await runInstrumentedApp(
      execlens.tracesUrl,
      ADMIN_URL,
      `${execlens.apiUrl}/healthz`,
      kind.name,
    );
    const [workflow] = (await workflowRows(execlens.database.db)).filter(
      (w) => w.wkex_workflow_name === workflowName,
    );
    expect(workflow?.wkex_attributes).toMatchObject({
      metadata: { performance: { dbQueries: 1, apiCalls: 1 } },
    });
    const [skill] = await skillRows(execlens.database.db, workflow?.wkex_trace_id as string);
    expect(skill?.exec_skill_name).toBe("check-stock");
    expect(skill?.exec_attributes).toMatchObject({
      metadata: { performance: { dbQueries: 1, apiCalls: 1 } },
    });
  }, 60_000);
});
