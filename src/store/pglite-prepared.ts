import {
  PGlite,
  parse,
  protocol,
  type QueryOptions,
  type Results,
  type Transaction,
} from "@electric-sql/pglite";
import { executeMessages } from "./pglite-execute-messages.js";
import { PREPARED_PER_CONNECTION, statementName } from "./statement-names.js";

const { serialize } = protocol;

interface Prepared {
  readonly name: string;
  /** The type of each parameter, as the server inferred it (how its value is serialised). */
  readonly parameterTypes: readonly number[];
}

/**
 * PGlite whose transactions prepare every statement with parameters once, as `PreparingClient`
 * does on a PostgreSQL connection: PGlite parses and plans each statement in WebAssembly on the
 * same thread as execlens, so a writer statement run by name skips most of its cost. Statements
 * outside transactions, and those without parameters, run as PGlite runs them.
 */
export class PreparingPGlite extends PGlite {
  readonly #prepared = new Map<string, Prepared>();

  override transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    return super.transaction((tx) => {
      const query = this.#transactionQuery(tx);
      return callback(
        new Proxy(tx, {
          get: (target, key, receiver) => (key === "query" ? query : Reflect.get(target, key, receiver)),
        }),
      );
    });
  }

  #transactionQuery(tx: Transaction): Transaction["query"] {
    return <R>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<R>> => {
      if (params === undefined || params.length === 0 || options?.blob !== undefined || tx.closed) {
        return tx.query<R>(text, params, options);
      }
      const prepared = this.#prepared.get(text);
      if (prepared === undefined && this.#prepared.size >= PREPARED_PER_CONNECTION) {
        return tx.query<R>(text, params, options);
      }
      return this._runExclusiveQuery(() => this.#run<R>(text, prepared, params, options));
    };
  }

  async #run<R>(
    text: string,
    known: Prepared | undefined,
    params: readonly unknown[],
    options: QueryOptions | undefined,
  ): Promise<Results<R>> {
    const prepared = known ?? (await this.#prepare(text, options));
    const values = params.map((value, i): string | null => {
      if (value === null || value === undefined) return null;
      const type = prepared.parameterTypes[i] as number;
      const serializer = options?.serializers?.[type] ?? this.serializers[type];
      return serializer ? serializer(value) : String(value);
    });
    const messages = await this.execProtocolStream(executeMessages(prepared.name, values), {
      syncToFs: false,
    });
    // PGlite's parseResults copies its ~300 type parsers into a new object whenever the options
    // bring parsers of their own (drizzle's do, on every statement): the options' parsers over
    // PGlite's, by prototype, read the same and cost nothing to make
    const parsers =
      options?.parsers === undefined
        ? this.parsers
        : Object.assign(Object.create(this.parsers), options.parsers);
    return parse.parseResults(
      messages,
      parsers,
      options && { ...options, parsers: undefined },
    )[0] as Results<R>;
  }

  async #prepare(text: string, options: QueryOptions | undefined): Promise<Prepared> {
    const name = statementName(text);
    const parameterTypes = parse.parseDescribeStatementResults(
      await this.#send(
        serialize.parse({ name, text, types: options?.paramTypes }),
        serialize.describe({ type: "S", name }),
      ),
    );
    const prepared = { name, parameterTypes };
    this.#prepared.set(text, prepared);
    return prepared;
  }

  /**
   * The messages and a Sync, in one call into PGlite (one crossing into WASM where PGlite's own
   * queries make one per message); an error is thrown once the Sync has ended the exchange.
   */
  #send(...messages: Uint8Array[]) {
    const all = [...messages, serialize.sync()];
    const bytes = new Uint8Array(all.reduce((sum, m) => sum + m.length, 0));
    let at = 0;
    for (const message of all) {
      bytes.set(message, at);
      at += message.length;
    }
    return this.execProtocolStream(bytes, { syncToFs: false });
  }
}
