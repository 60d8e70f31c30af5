import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildExeclens, spawnExeclens } from "./helpers/child-execlens.js";
import { databaseKinds, postgres, type TestDatabase } from "./helpers/databases.js";
import { sendAll, traceBodies } from "./helpers/workload.js";

/** The bound the README states for execlens' memory under overload. */
const RSS_BOUND_BYTES = 350 * 1024 * 1024;

describe.runIf(databaseKinds.includes(postgres))("overload [postgres]", () => {
  let database: TestDatabase;
  let execlens: ChildExeclens | undefined;
  afterAll(async () => {
    execlens?.child.kill("SIGKILL");
    await execlens?.exited;
    await database?.drop();
  });

  it("answers 429 while the store is stuck, stays within its memory bound, then stores every retried span once", async () => {
    database = await postgres.create();
    const url = database.url as string;
    execlens = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
      DATABASE_URL: url,
      EXECLENS_MAX_INFLIGHT_BYTES: String(1024 * 1024),
    });
    const { otlpHttp } = await execlens.ready();
    const bodies = await traceBodies(200, 20);

    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query('LOCK TABLE "SkillExecutions" IN EXCLUSIVE MODE');

    const load = sendAll(() => otlpHttp, bodies, 64);
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, (execlens as ChildExeclens).rss());
    }, 50);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const acknowledgedWhileLocked = load.acknowledged;
    await locker.query("COMMIT");
    await locker.end();
    const outcome = await load.done;
    clearInterval(sampler);

    console.log(
      `overload: peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB, answers ${JSON.stringify([...outcome.statuses])}`,
    );
    expect(acknowledgedWhileLocked).toBe(0);
    expect(outcome.statuses.get(429) ?? 0).toBeGreaterThan(0);
    expect(peak).toBeLessThan(RSS_BOUND_BYTES);
    expect(outcome.acknowledged).toHaveLength(bodies.length);

    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query<{ stored: string; distinct_names: string }>(
      'SELECT count(*) AS stored, count(DISTINCT exec_skill_name) AS distinct_names FROM "SkillExecutions"',
    );
    await check.end();
    expect(Number(rows[0]?.stored)).toBe(200 * 20);
    expect(Number(rows[0]?.distinct_names)).toBe(200 * 20);
  });
});
