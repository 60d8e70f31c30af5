import { is, Placeholder, type SQL, type SQLChunk, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

const dialect = new PgDialect();

/** A statement's text split around its parameters ($1 … $n), and what each parameter is. */
interface KeptText {
  readonly pieces: readonly string[];
  /** A placeholder (its name: the index of a value), or a value the statement always has. */
  readonly params: readonly unknown[];
}

/**
 * Statements whose text depends only on their shape (which columns, which variant), not on the
 * values they carry: each shape is built through drizzle once, with placeholders, and kept as the
 * text around its parameters; every later statement of that shape is that text with its values.
 * The writer's widest statements are drizzle SQL of hundreds of parts, which building and
 * flattening for every batch cost more than anything else drizzle did. The text, and so the
 * prepared statement, is the same as drizzle's.
 */
export class StatementTexts {
  readonly #texts = new Map<string, KeptText>();

  /** How many shapes are kept. */
  get size(): number {
    return this.#texts.size;
  }

  /**
   * The statement of shape `shape` carrying `values`: `build` makes it from its parameters (called
   * with placeholders, only for a shape not seen before), each of `values` where its parameter is.
   */
  statement(shape: string, build: (parameters: readonly SQLChunk[]) => SQL, values: readonly unknown[]): SQL {
    const kept =
      this.#texts.get(shape) ?? this.#keep(shape, build(values.map((_, i) => sql.placeholder(String(i)))));
    const parts: SQL[] = [sql.raw(kept.pieces[0] as string)];
    kept.params.forEach((param, i) => {
      const value = is(param, Placeholder) ? values[Number(param.name)] : param;
      parts.push(sql`${value}`, sql.raw(kept.pieces[i + 1] as string));
    });
    return sql.join(parts);
  }

  #keep(shape: string, statement: SQL): KeptText {
    const { sql: text, params } = dialect.sqlToQuery(statement);
    const numbers = text.match(/\$\d+/g) ?? [];
    // the text is cut at its parameters: a $n of anything else (a literal) would be cut too
    if (numbers.length !== params.length || numbers.some((n, i) => n !== `$${i + 1}`)) {
      throw new Error(`statement ${shape}: its text holds a $n that is not one of its parameters`);
    }
    const kept = { pieces: text.split(/\$\d+/), params };
    this.#texts.set(shape, kept);
    return kept;
  }
}
