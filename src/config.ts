import { parseArgs } from "node:util";
import { z } from "zod";

export interface Config {
  /** PostgreSQL server; when absent execlens runs on embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly otlpHttpPort: number;
  readonly apiPort: number;
  /** Largest OTLP request body accepted, after decompression. */
  readonly maxRequestBytes: number;
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = "ConfigError";
  }
}

const port = z.coerce.number().int().min(0).max(65535);

/** Every setting: its environment variable, its flag, its schema and default. */
const SETTINGS = {
  databaseUrl: {
    env: "DATABASE_URL",
    flag: "database-url",
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    help: "PostgreSQL connection URL; unset: embedded PGlite",
  },
  dataDir: {
    env: "EXECLENS_DATA_DIR",
    flag: "data-dir",
    schema: z.string().min(1).default("./.execlens"),
    help: "where embedded PGlite keeps its data (default ./.execlens)",
  },
  host: {
    env: "EXECLENS_HOST",
    flag: "host",
    schema: z.string().min(1).default("127.0.0.1"),
    help: "address the servers listen on (default 127.0.0.1)",
  },
  otlpHttpPort: {
    env: "EXECLENS_OTLP_HTTP_PORT",
    flag: "otlp-http-port",
    schema: port.default(4318),
    help: "OTLP/HTTP port, POST /v1/traces (default 4318)",
  },
  apiPort: {
    env: "EXECLENS_API_PORT",
    flag: "api-port",
    schema: port.default(8318),
    help: "query API port, with /healthz and /readyz (default 8318)",
  },
  maxRequestBytes: {
    env: "EXECLENS_MAX_REQUEST_BYTES",
    flag: "max-request-bytes",
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    help: "largest OTLP request body after decompression (default 16777216)",
  },
  logLevel: {
    env: "EXECLENS_LOG_LEVEL",
    flag: "log-level",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    help: "fatal, error, warn, info, debug, trace or silent (default info)",
  },
} as const;

type SettingKey = keyof typeof SETTINGS;

export function helpText(): string {
  const lines = Object.values(SETTINGS).map((s) => `  --${s.flag.padEnd(18)} ${s.env.padEnd(26)} ${s.help}`);
  return [
    "Usage: execlens [options]",
    "",
    "Receives OTLP traces and keeps skill and workflow executions in PostgreSQL.",
    "Each option can also be set by its environment variable; a flag wins over the variable.",
    "",
    "  flag                 variable                   meaning",
    ...lines,
    "  --help                                          this text",
  ].join("\n");
}

/** Flags first, then environment variables, then defaults; the first invalid value names its key. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): Config {
  const options = Object.fromEntries(
    Object.values(SETTINGS).map((s) => [s.flag, { type: "string" as const }]),
  );
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError("arguments", (error as Error).message);
  }
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [SettingKey, (typeof SETTINGS)[SettingKey]][]) {
    const fromFlag = flags[setting.flag];
    const raw =
      typeof fromFlag === "string" ? fromFlag : env[setting.env] === "" ? undefined : env[setting.env];
    const name = typeof fromFlag === "string" ? `--${setting.flag}` : setting.env;
    const parsed = (setting.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(name, `${issue?.message ?? "invalid value"} (got ${JSON.stringify(raw)})`);
    }
    config[key] = parsed.data;
  }
  return config as unknown as Config;
}
