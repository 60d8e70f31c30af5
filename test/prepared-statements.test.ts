import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapSpans } from "../src/mappers/index.js";
import { type Database, openDatabase, writeChanges } from "../src/store/index.js";
import { PreparingClient } from "../src/store/prepared-statements.js";
import { PREPARED_PER_CONNECTION, statementName } from "../src/store/statement-names.js";
import { queryRows } from "../src/store/transaction.js";
import { databaseKinds, postgres, type TestDatabase } from "./helpers/databases.js";
import { datasetSpans } from "./helpers/dataset.js";
import { preparedInTransaction } from "./helpers/prepared.js";

describe.runIf(databaseKinds.includes(postgres))("prepared statements on the PostgreSQL server", () => {
  let database: TestDatabase;
  let client: PreparingClient;

  /** Rows of a statement (PreparingClient.query passes every form of pg's query through, untyped). */
  const rows = async <T>(text: string, values?: unknown[]): Promise<T[]> =>
    ((await client.query(text, values)) as { rows: T[] }).rows;
  const prepared = () =>
    rows<{ name: string; statement: string }>(
      "SELECT name, statement FROM pg_prepared_statements ORDER BY name",
    );

  beforeAll(async () => {
    database = await postgres.create();
    client = new PreparingClient({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it("prepares a statement with parameters once and runs it again by name, with each run's values", async () => {
    const text = "SELECT count(*)::int AS n FROM unnest($1::int[]) AS v WHERE v > $2::int";
    const first = await rows<{ n: number }>(text, ["{1,2,3}", 1]);
    // the form drizzle uses: a query config object
    const second = (
      (await client.query({ text, values: ["{1,2,3,4,5}", 2] })) as { rows: Array<{ n: number }> }
    ).rows;
    expect([first[0]?.n, second[0]?.n]).toEqual([2, 3]);
    const statements = await prepared();
    expect(statements.filter((s) => s.statement === text)).toHaveLength(1);
    expect(statements.find((s) => s.statement === text)?.name).toMatch(/^execlens_/);
  });

  it("keeps the simple protocol for statements without parameters (several commands in one string)", async () => {
    const before = (await prepared()).length;
    const results = await client.query("SELECT 1 AS a; SELECT 2 AS b");
    expect((results as unknown as Array<{ rows: unknown[] }>).map((r) => r.rows)).toEqual([
      [{ a: 1 }],
      [{ b: 2 }],
    ]);
    expect(await prepared()).toHaveLength(before);
  });

  it("does not keep a statement the server refused, and the connection goes on", async () => {
    const before = await prepared();
    await expect(
      client.query("SELECT no_such_column FROM pg_class WHERE oid = $1::oid", [1]),
    ).rejects.toThrow(/no_such_column/);
    expect(await rows("SELECT $1::int + 1 AS v", [41])).toEqual([{ v: 42 }]);
    expect((await prepared()).length).toBe(before.length + 1);
  });

  it(`prepares at most ${PREPARED_PER_CONNECTION} statements on a connection and runs the others unnamed`, async () => {
    for (let i = 0; i < PREPARED_PER_CONNECTION + 20; i++) {
      expect(await rows(`SELECT $1::int + ${i} AS v`, [1])).toEqual([{ v: 1 + i }]);
    }
    // the statement the server refused above holds its slot: the limit bounds, it is not a count
    expect((await prepared()).length).toBeGreaterThanOrEqual(PREPARED_PER_CONNECTION - 1);
    expect((await prepared()).length).toBeLessThanOrEqual(PREPARED_PER_CONNECTION);
  });

  it("prepares the store's statements by default, and not with preparedStatements: false (a pooler without them)", async () => {
    const preparedIn = async (preparedStatements: boolean | undefined) => {
      const handle = await openDatabase({ databaseUrl: database.url as string }, { preparedStatements });
      try {
        // outside a transaction pg.Pool runs the statement (with a callback): prepared the same way
        const [pooled] = await queryRows<{ v: number }>(handle.db, sql`SELECT ${41}::int + 1 AS v`);
        expect(pooled).toEqual({ v: 42 });
        return await preparedInTransaction(handle.db);
      } finally {
        await handle.close();
      }
    };
    expect(await preparedIn(undefined)).toBe(true);
    expect(await preparedIn(false)).toBe(false);
  });

  it("runs a write again at once when its transaction met a statement a pooler lost", async () => {
    const handle = await openDatabase({ databaseUrl: database.url as string });
    try {
      let lost = 1;
      // the first transaction fails as it would behind the pooler (below, the real error from the server)
      const db = new Proxy(handle.db, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (key !== "transaction") return value;
          return (work: Parameters<Database["transaction"]>[0]) => {
            if (lost-- > 0)
              return Promise.reject(
                Object.assign(new Error('prepared statement "x" already exists'), { code: "42P05" }),
              );
            return value.call(target, work);
          };
        },
      }) as Database;
      const spans = datasetSpans({ seed: 5, traces: 3 }).flat();
      const written = await writeChanges(db, mapSpans(spans));
      expect(lost).toBe(-1);
      const [stored] = await queryRows<{ n: number }>(
        handle.db,
        sql`SELECT count(*)::int AS n FROM "WorkflowExecutions"`,
      );
      expect(stored?.n).toBe(written.workflows);
      expect(written.workflows).toBeGreaterThan(0);
    } finally {
      await handle.close();
    }
  });

  // last: once a pooler has shown itself, nothing in this process prepares statements any more
  it("behind a pooler that loses prepared statements, the first failure says what to set, then nothing is prepared", async () => {
    // a client of its own: the one above has prepared as many statements as it may
    const fresh = new PreparingClient({ connectionString: database.url });
    await fresh.connect();
    try {
      const run = async (text: string, values: unknown[]) =>
        ((await fresh.query(text, values)) as { rows: unknown[] }).rows;
      const text = "SELECT $1::int * 2 AS doubled";
      // another client's statement under the same name on this server connection, as a pooler shares them
      await fresh.query(`PREPARE "${statementName(text)}" AS SELECT 1`);
      await expect(run(text, [21])).rejects.toThrow(/EXECLENS_PREPARED_STATEMENTS=false/);
      const countPrepared = () => run("SELECT count(*)::int AS n FROM pg_prepared_statements", []);
      const before = await countPrepared();
      expect(await run(text, [21])).toEqual([{ doubled: 42 }]);
      expect(await run("SELECT $1::int + 100 AS v", [1])).toEqual([{ v: 101 }]);
      expect(await countPrepared()).toEqual(before);
    } finally {
      await fresh.end();
    }
  });
});
