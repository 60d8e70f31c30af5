import { expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import type { ExecutionChanges } from "../src/model/index.js";
import { GroupCommitWriter } from "../src/store/index.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";
import { skillRows } from "./helpers/rows.js";
import { span } from "./helpers/spans.js";

const skillBatch = (n: number): ExecutionChanges =>
  mapSpans([
    span({
      traceId: `${n.toString(16).padStart(2, "0")}${"ab".repeat(15)}`,
      spanId: "00000000000000a1",
      name: `skill ${n}`,
      startMs: 1_767_225_600_000 + n,
      endMs: 1_767_225_600_010 + n,
      attributes: { "skill.name": `group-${n}` },
    }),
  ]);

describeEachDatabase("group commit", (kind) => {
  const database = useOpenDatabase(kind);

  it("merges batches that arrive while a transaction runs, answering each after its commit", async () => {
    const writer = new GroupCommitWriter(database.handle.db, {
      concurrency: 1,
      maxSpansPerTransaction: 1000,
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => writer.submit(skillBatch(n))));
    expect(results.map((r) => r.skills)).toEqual([1, 1, 1, 1, 1]);
    expect(writer.committed.batches).toBe(5);
    // the first batch goes alone; the four that queued behind it share the next transaction
    expect(writer.committed.transactions).toBe(2);
    expect((await skillRows(database.handle.db)).map((r) => r.exec_skill_name).sort()).toEqual(
      [1, 2, 3, 4, 5].map((n) => `group-${n}`),
    );
  });

  it("fails only the batch that cannot be stored when a shared transaction fails", async () => {
    const writer = new GroupCommitWriter(database.handle.db, {
      concurrency: 1,
      maxSpansPerTransaction: 1000,
    });
    const good = skillBatch(6);
    const poison = skillBatch(7);
    // A value the database refuses (the mappers never produce it): exec_span_id is VARCHAR(16).
    const bad: ExecutionChanges = {
      ...poison,
      skills: poison.skills.map((skill) => ({ ...skill, spanId: "x".repeat(40) })),
    };
    const first = writer.submit(skillBatch(8));
    const outcomes = await Promise.allSettled([writer.submit(good), writer.submit(bad)]);
    await first;
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);
    const names = (await skillRows(database.handle.db)).map((r) => r.exec_skill_name);
    expect(names).toContain("group-6");
    expect(names).not.toContain("group-7");
  });
});
