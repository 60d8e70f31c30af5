import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../src/store/index.js";
import { PreparingPGlite } from "../src/store/pglite-prepared.js";
import { PREPARED_PER_CONNECTION, statementName } from "../src/store/statement-names.js";
import { preparedInTransaction } from "./helpers/prepared.js";

describe("PGlite transactions with prepared statements", () => {
  let db: PreparingPGlite;
  beforeAll(async () => {
    db = new PreparingPGlite();
    await db.waitReady;
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.exec(
      "DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY, doc jsonb, tags text[], at timestamptz, n bigint)",
    );
  });

  /** The names of the statements prepared on this PGlite so far (by every test). */
  const prepared = async (target = db) =>
    (await target.query<{ name: string }>("SELECT name FROM pg_prepared_statements")).rows.map((r) => r.name);
  const preparedOnce = async (text: string) =>
    (await prepared()).filter((name) => name === statementName(text)).length;

  const INSERT = "INSERT INTO t VALUES ($1, $2, $3, $4, $5) RETURNING id, doc, tags, at, n";

  it("prepares a statement with parameters once and runs it by name, each run with its own values", async () => {
    const at = new Date("2026-12-01T10:00:00.123Z");
    const rows = await db.transaction(async (tx) => [
      (await tx.query(INSERT, [1, { a: [1, null] }, ["x", "y,z"], at, 2n ** 53n + 1n])).rows,
      (await tx.query(INSERT, [2, null, [], at.toISOString(), "7"])).rows,
    ]);
    expect(rows).toEqual([
      [{ id: 1, doc: { a: [1, null] }, tags: ["x", "y,z"], at, n: 2n ** 53n + 1n }],
      [{ id: 2, doc: null, tags: [], at, n: 7 }],
    ]);
    expect(await preparedOnce(INSERT)).toBe(1);
    const again = await db.transaction(
      async (tx) => (await tx.query(INSERT, [3, [], null, null, null])).rows,
    );
    expect(again).toEqual([{ id: 3, doc: [], tags: null, at: null, n: null }]);
    expect(await preparedOnce(INSERT)).toBe(1);
  });

  it("answers as PGlite's own (unnamed) statements answer, for every parameter type the writer sends", async () => {
    const text =
      "SELECT $1::jsonb AS doc, $2::text[] AS tags, $3::timestamptz AS at, $4::bigint AS n, $5::numeric AS x, $6::uuid[] AS ids, $7::bytea AS b, $8::boolean AS flag";
    const values = [
      { nested: { "\u00e9": "\u00e9" }, list: [true, 1.5] },
      ["a", 'b"c', "", "NULL"],
      "2026-12-01T10:00:00.123456Z",
      "9007199254740993",
      "12.5",
      ["6f1e0c9a-1b2c-4d3e-8f40-123456789abc"],
      new Uint8Array([0, 1, 255]),
      false,
    ];
    const own = await db.query(text, values);
    const named = await db.transaction((tx) => tx.query(text, values));
    expect(named.rows).toEqual(own.rows);
    expect(named.fields).toEqual(own.fields);
    expect(await preparedOnce(text)).toBe(1);
  });

  it("parses with the options' parsers over PGlite's, as PGlite's own statements do (drizzle passes some)", async () => {
    const text = "SELECT $1::timestamptz AS at, $2::int AS n, $3::jsonb AS doc, $4::text AS label";
    const values = ["2026-12-01T10:00:00.123456Z", 7, { a: 1 }, "x"];
    const options = {
      parsers: { 1184: (value: string) => `at ${value}`, 23: (value: string) => Number(value) * 2 },
    };
    const own = await db.query(text, values, options);
    const named = await db.transaction((tx) => tx.query(text, values, options));
    expect(named.rows).toEqual(own.rows);
    expect(named.rows).toEqual([
      { at: "at 2026-12-01 10:00:00.123456+00", n: 14, doc: { a: 1 }, label: "x" },
    ]);
    const plain = await db.transaction((tx) => tx.query<{ at: unknown }>(text, values));
    expect(plain.rows[0]?.at).toEqual(new Date("2026-12-01T10:00:00.123Z"));
    expect(await preparedOnce(text)).toBe(1);
  });

  it("keeps statements without parameters, and those outside transactions, as PGlite runs them", async () => {
    const before = await prepared();
    await db.transaction((tx) => tx.query("INSERT INTO t (id) VALUES (1)"));
    await db.query("INSERT INTO t (id) VALUES ($1)", [2]);
    expect(await prepared()).toEqual(before);
    expect((await db.query("SELECT count(*)::int AS c FROM t")).rows).toEqual([{ c: 2 }]);
  });

  it("a failing statement rolls its transaction back and the next transactions run; a refused text is not kept", async () => {
    await db.transaction((tx) => tx.query(INSERT, [1, null, null, null, null]));
    await expect(db.transaction((tx) => tx.query(INSERT, [1, null, null, null, null]))).rejects.toMatchObject(
      {
        code: "23505",
      },
    );
    await expect(
      db.transaction((tx) => tx.query("SELECT nope FROM t WHERE id = $1", [1])),
    ).rejects.toMatchObject({ code: "42703" });
    expect(await preparedOnce(INSERT)).toBe(1);
    expect(await preparedOnce("SELECT nope FROM t WHERE id = $1")).toBe(0);
    await db.transaction((tx) => tx.query(INSERT, [2, null, null, null, null]));
    expect((await db.query("SELECT id FROM t ORDER BY id")).rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it(`prepares at most ${PREPARED_PER_CONNECTION} statements and runs the others unnamed`, async () => {
    const fresh = new PreparingPGlite();
    const results = await fresh.transaction(async (tx) => {
      const out: unknown[] = [];
      for (let i = 0; i < PREPARED_PER_CONNECTION + 5; i++) {
        out.push((await tx.query<{ v: number }>(`SELECT $1::int + ${i} AS v`, [1])).rows[0]?.v);
      }
      return out;
    });
    expect(results).toEqual(Array.from({ length: PREPARED_PER_CONNECTION + 5 }, (_, i) => i + 1));
    expect(await prepared(fresh)).toHaveLength(PREPARED_PER_CONNECTION);
    await fresh.close();
  });

  it("the store's PGlite prepares by default, and not with preparedStatements: false", async () => {
    const preparedIn = async (preparedStatements: boolean | undefined) => {
      const handle = await openDatabase({ memory: true }, { preparedStatements });
      try {
        return await preparedInTransaction(handle.db);
      } finally {
        await handle.close();
      }
    };
    expect(await preparedIn(undefined)).toBe(true);
    expect(await preparedIn(false)).toBe(false);
  });
});
