import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, describe, expect, it } from "vitest";
import { databaseKinds, postgres, type TestDatabase } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { snapshot } from "./helpers/rows.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

/** Several workflow traces of steps and skills, with some failures and nesting. */
const traces = () =>
  recordSpans((t) => {
    for (let n = 0; n < 12; n++) {
      const workflow = t.start(`workflow ${n}`, {
        "workflow.name": `wf-${n % 3}`,
        "workflow.execution.id": `scale-${n}`,
        "organization.id": `org-${n % 2}`,
        "workflow.total_steps": 3,
      });
      for (let s = 1; s <= 3; s++) {
        const step = t.start(
          `step ${s}`,
          { "workflow.step.id": `s${s}`, "workflow.step.order": s },
          workflow,
        );
        const inner = t.start("internal", {}, step);
        const skill = t.start(`skill ${s}`, { "skill.name": `skill-${s}` }, inner);
        if ((n + s) % 5 === 0) t.fail(skill, "timed out waiting");
        skill.end();
        inner.end();
        step.end();
      }
      workflow.end();
    }
  });

describe.runIf(databaseKinds.includes(postgres))("scale-out [postgres]", () => {
  const instances: TestExeclens[] = [];
  afterAll(async () => {
    for (const instance of instances.reverse()) await instance.stop();
  });

  it("two replicas on one PostgreSQL, each given part of every trace, store the rows one replica stores", async () => {
    const spans = await traces();
    const single = await startTestExeclens(postgres);
    instances.push(single);
    await exportWith(otlpExporter("protobuf", single.tracesUrl), spans);

    const shared = await startTestExeclens(postgres);
    instances.push(shared);
    const sameDatabase = {
      name: "postgres" as const,
      create: async (): Promise<TestDatabase> => ({
        target: shared.testDatabase.target,
        url: shared.testDatabase.url,
        drop: async () => undefined,
      }),
    };
    const second = await startTestExeclens(sameDatabase);
    instances.push(second);
    // alternate spans between the replicas, sent concurrently in small requests
    const toA: ReadableSpan[] = [];
    const toB: ReadableSpan[] = [];
    for (const [i, span] of spans.entries()) (i % 2 === 0 ? toA : toB).push(span);
    const chunks = (list: ReadableSpan[]) =>
      Array.from({ length: Math.ceil(list.length / 7) }, (_, i) => list.slice(i * 7, i * 7 + 7));
    await Promise.all([
      ...chunks(toA).map((chunk) => exportWith(otlpExporter("protobuf", shared.tracesUrl), chunk)),
      ...chunks(toB).map((chunk) => exportWith(otlpExporter("json", second.tracesUrl), chunk)),
    ]);

    const expected = await snapshot(single.database.db);
    expect(expected.workflows).toHaveLength(12);
    expect(await snapshot(shared.database.db)).toEqual(expected);
  });
});
