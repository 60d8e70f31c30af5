import pg from "pg";
import { sqlState } from "./sql-state.js";
import { PREPARED_PER_CONNECTION, statementName } from "./statement-names.js";

interface QueryConfig {
  readonly text?: unknown;
  readonly name?: unknown;
  readonly values?: unknown;
}

/**
 * Errors of a named statement that the server connection already has under that name, or has
 * lost: another client's statements on the same server connection, i.e. a pooler that hands
 * transactions to shared server connections without carrying prepared statements along.
 */
const POOLER_SQLSTATES = new Set(["42P05", "26000"]);

/** Once a pooler has shown itself, no client of this process prepares statements any more. */
let behindPooler = false;

function noticePooler(error: unknown): void {
  if (!POOLER_SQLSTATES.has(sqlState(error) ?? "") || !(error instanceof Error)) return;
  behindPooler = true;
  error.message +=
    " (a connection pooler without prepared statements? execlens stops preparing them now; set EXECLENS_PREPARED_STATEMENTS=false)";
}

/**
 * A `pg` client that prepares every statement with parameters once per connection, named by a
 * hash of its text: later runs send only Bind and Execute, so the server skips parsing and
 * analysing the statement (the writer's statements are long, and the same on every batch since
 * their values travel as arrays). Statements without parameters keep the simple protocol, which
 * allows several commands in one string (migrations). Behind a pooler that loses prepared
 * statements the first failing statement says so, and statements are no longer prepared.
 */
export class PreparingClient extends pg.Client {
  /** The names of the statements prepared on this connection, by text (each text hashed once). */
  readonly #prepared = new Map<string, string>();

  // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query has a dozen overloads; this passes every form through
  override query(config: any, values?: any, callback?: any): any {
    const named = this.#named(config, values);
    if (named === config) return super.query(config, values, callback);
    // pg.Pool passes a callback (as the values when there are none); a transaction's client awaits the promise
    if (typeof values === "function" || typeof callback === "function") {
      const done = (typeof values === "function" ? values : callback) as (
        error: unknown,
        result: unknown,
      ) => void;
      const noticing = (error: unknown, result: unknown) => {
        noticePooler(error);
        done(error, result);
      };
      return typeof values === "function"
        ? super.query(named as typeof config, noticing)
        : super.query(named as typeof config, values, noticing);
    }
    return (super.query(named as typeof config, values) as Promise<unknown>).catch((error: unknown) => {
      noticePooler(error);
      throw error;
    });
  }

  #named(config: unknown, values: unknown): unknown {
    if (behindPooler) return config;
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
    let named = this.#prepared.get(text);
    if (named === undefined) {
      if (this.#prepared.size >= PREPARED_PER_CONNECTION) return config;
      named = statementName(text);
      this.#prepared.set(text, named);
    }
    return typeof config === "string" ? { text, name: named } : { ...(config as object), name: named };
  }
}
