import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { StatementTexts } from "../src/store/statement-texts.js";

const dialect = new PgDialect();

describe("kept statement texts", () => {
  // a parameter used twice (as the workflow derivation's ids are) and a value of the statement's own
  const build = (p: readonly unknown[]) =>
    sql`SELECT ${p[0]}::int + ${p[0]}::int AS twice, ${"always"}::text AS own, ${p[1]}::text AS second FROM "T" t`;

  it("give drizzle's own text and parameters, shape after shape, value after value", () => {
    const texts = new StatementTexts();
    for (const values of [
      [1, "x"],
      [2, "$1 and $2"],
      [3, null],
    ]) {
      const kept = dialect.sqlToQuery(texts.statement("select", build, values));
      expect(kept).toEqual(dialect.sqlToQuery(build(values)));
    }
    expect(texts.size).toBe(1);
    texts.statement("other", (p) => sql`SELECT ${p[0]}::int`, [5]);
    expect(texts.size).toBe(2);
  });

  it("refuse a statement whose text holds a $n that is not a parameter", () => {
    const texts = new StatementTexts();
    expect(() => texts.statement("literal", (p) => sql`SELECT '$1', ${p[0]}::int`, [1])).toThrow(
      /statement literal: its text holds a \$n that is not one of its parameters/,
    );
  });
});
