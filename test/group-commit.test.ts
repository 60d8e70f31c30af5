import { expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import type { ExecutionChanges } from "../src/model/index.js";
import { GroupCommitWriter, mergeChanges, writeChanges } from "../src/store/index.js";
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

describeEachDatabase("group commit, batches sharing a trace", (kind) => {
  const database = useOpenDatabase(kind);

  /** A writer whose transactions are logged, and held at their start while `hold` says so. */
  function observedWriter(hold: (changes: ExecutionChanges) => Promise<void>) {
    const log: string[] = [];
    const name = (changes: ExecutionChanges) =>
      changes.skills.map((s) => s.skillName.replace("group-", "")).join("+");
    const writer = new GroupCommitWriter(
      database.handle.db,
      { concurrency: 2, maxSpansPerTransaction: 1000 },
      async (db, changes) => {
        log.push(`start ${name(changes)}`);
        await hold(changes);
        const result = await writeChanges(db, changes);
        log.push(`end ${name(changes)}`);
        return result;
      },
    );
    return { writer, log };
  }

  /** A promise and what resolves it. */
  function gate(): { opened: Promise<void>; open(): void } {
    let open: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { opened, open: () => open() };
  }

  /** A batch of one skill span in the trace numbered `trace`. */
  const inTrace = (trace: number, n: number): ExecutionChanges => {
    const changes = skillBatch(n);
    const traceId = `${trace.toString(16).padStart(2, "0")}${"cd".repeat(15)}`;
    return {
      ...changes,
      nodes: changes.nodes.map((node) => ({ ...node, traceId })),
      skills: changes.skills.map((skill) => ({ ...skill, traceId })),
    };
  };

  it("holds a batch back while a transaction writes its trace, and lets the batches behind it go first", async () => {
    const { opened, open } = gate();
    const { writer, log } = observedWriter((changes) =>
      changes.skills[0]?.skillName === "group-11" ? opened : Promise.resolve(),
    );
    const first = writer.submit(inTrace(1, 11));
    const sharing = writer.submit(mergeChanges([inTrace(1, 12), inTrace(2, 13)]));
    // another trace: it does not wait for the first batch
    await writer.submit(inTrace(3, 14));
    expect(log).toEqual(["start 11", "start 14", "end 14"]);
    open();
    await Promise.all([first, sharing]);
    expect(log.slice(3)).toEqual(["end 11", "start 12+13", "end 12+13"]);
    const names = (await skillRows(database.handle.db)).map((r) => r.exec_skill_name);
    expect(names).toEqual(expect.arrayContaining(["group-11", "group-12", "group-13", "group-14"]));
  });

  it("lets a batch go after a second of waiting, even while its trace is still being written", async () => {
    const { opened, open } = gate();
    const { writer, log } = observedWriter((changes) =>
      changes.skills[0]?.skillName === "group-21" ? opened : Promise.resolve(),
    );
    const held = writer.submit(inTrace(4, 21));
    const sharing = writer.submit(inTrace(4, 22));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // the next batch to arrive has the queue looked at again: the waiting one goes too
    await writer.submit(inTrace(5, 23));
    await sharing;
    expect(log).toEqual(["start 21", "start 22+23", "end 22+23"]);
    open();
    await held;
    expect(log.at(-1)).toBe("end 21");
  });
});
