import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { pgArray } from "../src/store/sql-values.js";
import { queryRows } from "../src/store/transaction.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";

describeEachDatabase("array literals", (kind) => {
  const database = useOpenDatabase(kind);

  it("carry any text, numbers and nulls to the database as they are", async () => {
    const texts = [
      "plain",
      "",
      "NULL",
      "null",
      "nUlL",
      "NULLS",
      "0195e4a2-7c1d-7b3e-9f00-1234567890ab",
      "2026-03-02T10:00:00.123456Z",
      "-5",
      "a-b_c.d:e+f",
      'a "quoted" word',
      'back\\slash and \\" both',
      "{braces}, commas, and spaces ",
      "línea\nnueva\ttab ✓",
      null,
    ];
    const [row] = await queryRows<{ texts: Array<string | null>; numbers: number[] }>(
      database.handle.db,
      sql`SELECT ${pgArray(texts)}::text[] AS texts, ${pgArray([0, -1.5, 42])}::float8[] AS numbers`,
    );
    expect(row?.texts).toEqual(texts);
    expect(row?.numbers).toEqual([0, -1.5, 42]);
  });

  it("carry no items, and one item of each kind", async () => {
    const cases: Array<Array<string | number | null>> = [[], [null], ["one"], ['a "quoted", word'], [7]];
    for (const items of cases) {
      const [row] = await queryRows<{ items: Array<string | null> }>(
        database.handle.db,
        sql`SELECT ${pgArray(items)}::text[] AS items`,
      );
      expect(row?.items).toEqual(items.map((item) => (item === null ? null : String(item))));
    }
  });
});
