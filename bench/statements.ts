import { getTableName, is, Table } from "drizzle-orm";
import type { Database } from "../src/store/index.js";

/** A statement's kind: its verb and table (`INSERT "SpanIndex"`, `UPDATE "WorkflowExecutions"`), or its first words. */
export function labelOf(query: unknown): string {
  const compact = textOf(query).replace(/\s+/g, " ").trim();
  const verb = /^(WITH|INSERT INTO|UPDATE|DELETE FROM|SELECT)\s*("?\w+"?)?/i.exec(compact);
  return verb === null ? compact.slice(0, 40) : `${verb[1]} ${verb[2] ?? ""}`.trim();
}

/** A statement's text without its parameters, through nested SQL (a kept statement text is SQL of parts). */
function textOf(query: unknown): string {
  if (typeof query === "string") return query;
  const chunks = (query as { queryChunks?: unknown[] } | undefined)?.queryChunks;
  return (chunks ?? [])
    .map((chunk) => {
      if (is(chunk, Table)) return `"${getTableName(chunk)}"`;
      if ((chunk as { queryChunks?: unknown }).queryChunks !== undefined) return textOf(chunk);
      const value = (chunk as { value?: unknown } | undefined)?.value;
      return Array.isArray(value) ? value.join("") : "";
    })
    .join("");
}

/** Runs a statement of a transaction (the hook decides when, and may run others on `tx` first). */
export type StatementHook = (tx: Database, query: unknown, run: () => Promise<unknown>) => Promise<unknown>;

/**
 * The database, with every statement of its transactions passed through `hook`, and the time of
 * each transaction's COMMIT to `onCommit`: the deferred triggers (the rollup cells) run there.
 */
export function observeStatements(
  db: Database,
  hook: StatementHook,
  onCommit?: (ms: number) => void,
): Database {
  const wrapTx = (tx: Database): Database =>
    new Proxy(tx, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== "execute") return value;
        const execute = value as (q: unknown) => Promise<unknown>;
        return (query: unknown) => hook(target, query, () => execute.call(target, query));
      },
    });
  return new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== "transaction") return value;
      return async (fn: (tx: Database) => Promise<unknown>) => {
        let bodyDone = 0;
        const result = await (value as (f: (tx: Database) => Promise<unknown>) => Promise<unknown>).call(
          target,
          async (tx) => {
            const returned = await fn(wrapTx(tx));
            bodyDone = performance.now();
            return returned;
          },
        );
        onCommit?.(performance.now() - bodyDone);
        return result;
      };
    },
  });
}
