import { stdSerializers } from "pino";

/** Characters of a failed statement's text, and of any error's message and stack, a log line keeps. */
const STATEMENT_SHOWN = 300;
const MESSAGE_SHOWN = 2000;
const STACK_SHOWN = 8000;

/** A statement's error: drizzle's wrapper, or a PGlite error naming its statement and values. */
interface StatementError extends Error {
  readonly query?: unknown;
  readonly params?: unknown;
  readonly cause?: unknown;
}

type Serialized = ReturnType<typeof stdSerializers.err> & Record<string, unknown>;

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…[${text.length} characters]` : text;
}

/**
 * pino's `err` serializer, without the values of a failed statement. drizzle wraps the
 * database's error in one whose message is the whole statement and every parameter, and PGlite's
 * error carries them again: a batch's rows, the apps' prompts and outputs. One batch that failed on
 * a full disk logged 285 KB, and a database down for a minute logs one such line per request.
 * The log keeps the database's own error (message, SQLSTATE, detail), the start of the statement
 * and where it was run from.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const wrapper = error as StatementError;
  const wrapped = typeof wrapper.query === "string" && "params" in wrapper && wrapper.cause instanceof Error;
  const reported = wrapped ? (wrapper.cause as Error) : error;
  const serialized = stdSerializers.err(reported) as Serialized;
  delete serialized.params;
  delete serialized.queryOptions;
  const query = wrapped ? wrapper.query : serialized.query;
  if (typeof query === "string") serialized.query = cut(query, STATEMENT_SHOWN);
  serialized.message = cut(serialized.message, MESSAGE_SHOWN);
  if (wrapped) {
    // the wrapper's frames say where the statement was run; its first line is the whole message
    const frames = (error.stack ?? "").split("\n").filter((line) => line.startsWith("    at "));
    serialized.stack = [`${reported.name}: ${serialized.message}`, ...frames].join("\n");
  } else serialized.stack = cut(serialized.stack, STACK_SHOWN);
  return serialized;
}
