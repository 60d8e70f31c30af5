import { createHash } from "node:crypto";
import pg from "pg";

/**
 * Named (prepared) statements kept on one connection at most: the writer's few dozen statements
 * fit many times over, while the read API's ever-new filter combinations cannot fill the server's
 * memory (a connection past the limit runs further statements unnamed, as before).
 */
export const PREPARED_PER_CONNECTION = 128;

interface QueryConfig {
  readonly text?: unknown;
  readonly name?: unknown;
  readonly values?: unknown;
}

/**
 * A `pg` client that prepares every statement with parameters once per connection, named by a
 * hash of its text: later runs send only Bind and Execute, so the server skips parsing and
 * analysing the statement (the writer's statements are long, and the same on every batch since
 * their values travel as arrays). Statements without parameters keep the simple protocol, which
 * allows several commands in one string (migrations).
 */
export class PreparingClient extends pg.Client {
  readonly #prepared = new Set<string>();

  // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query has a dozen overloads; this passes every form through
  override query(config: any, values?: any, callback?: any): any {
    return super.query(this.#named(config, values) as typeof config, values, callback);
  }

  #named(config: unknown, values: unknown): unknown {
    const {
      text,
      name,
      values: own,
    } = typeof config === "string"
      ? { text: config, name: undefined, values: undefined }
      : ((config ?? {}) as QueryConfig);
    const parameters = Array.isArray(values) ? values : own;
    if (
      typeof text !== "string" ||
      name !== undefined ||
      !Array.isArray(parameters) ||
      parameters.length === 0
    ) {
      return config;
    }
    const named = `execlens_${createHash("sha1").update(text).digest("base64url")}`;
    if (!this.#prepared.has(named)) {
      if (this.#prepared.size >= PREPARED_PER_CONNECTION) return config;
      this.#prepared.add(named);
    }
    return typeof config === "string" ? { text, name: named } : { ...(config as object), name: named };
  }
}
