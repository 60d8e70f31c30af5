import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DEFAULT_SPAN_LIMITS } from "./collector/index.js";
import { targetProblem } from "./mappers/index.js";
import { parseApiKeys } from "./server/api-keys.js";

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

/** A zod transform from a parser that throws: its message becomes the setting's error. */
function parsedBy<T>(parse: (text: string | undefined) => T) {
  return (text: string | undefined, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  };
}

const usdPerMillion = z.number().finite().min(0);
/** One entry of the price table (see src/mappers/prices.ts). */
const PRICE = z.strictObject({
  provider: z.string().min(1).default("custom"),
  model: z.string().min(1),
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD"),
  input: usdPerMillion,
  output: usdPerMillion,
  cachedInput: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
  reasoning: usdPerMillion.optional(),
});

const ROLES = ["skill", "workflow", "step", "ai_call", "llm", "other"] as const;
const CONDITION = z.union([z.string(), z.number(), z.boolean(), z.strictObject({ exists: z.boolean() })]);
/** One mapping rule (see src/mappers/mapping-rules.ts). */
const MAPPING_RULE = z.strictObject({
  name: z.string().min(1).optional(),
  match: z
    .strictObject({
      name: z.string().min(1).optional(),
      scope: z.string().min(1).optional(),
      attributes: z.record(z.string().min(1), CONDITION).optional(),
    })
    .refine(
      (m) => m.name !== undefined || m.scope !== undefined || Object.keys(m.attributes ?? {}).length > 0,
      {
        message: "must say something to match: name, scope or attributes",
      },
    ),
  role: z.enum(ROLES).optional(),
  map: z
    .record(z.string(), z.string().min(1, "must name the attribute to take the value from"))
    .superRefine((map, ctx) => {
      for (const target of Object.keys(map)) {
        const problem = targetProblem(target);
        if (problem !== undefined) ctx.addIssue({ code: "custom", path: [target], message: problem });
      }
    })
    .optional(),
});

/** `rule 2 ("tenants")` for the second rule, as the errors name it. */
function ruleLabel(path: readonly PropertyKey[], value: unknown): string {
  const [index, ...rest] = path;
  if (typeof index !== "number") return path.join(".");
  const rule = Array.isArray(value) ? (value[index] as { name?: unknown } | undefined) : undefined;
  const name = typeof rule?.name === "string" ? ` (${JSON.stringify(rule.name)})` : "";
  return `rule ${index + 1}${name}${rest.length > 0 ? `: ${rest.join(".")}` : ""}`;
}

/**
 * A setting whose value is structured: JSON in its variable or flag, YAML in the configuration
 * file; an invalid entry is named by its path (`prices.1.input`).
 */
function structured<T extends z.ZodType>(
  schema: T,
  where: (path: readonly PropertyKey[], value: unknown) => string = (path) => path.join("."),
) {
  return z
    .string()
    .optional()
    .transform((text, ctx): z.output<T> | undefined => {
      if (text === undefined) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `not valid JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const path = issue?.path ?? [];
      ctx.addIssue({
        code: "custom",
        message: `${path.length > 0 ? where(path, value) : "value"}: ${issue?.message}`,
      });
      return z.NEVER;
    });
}
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

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
  role: {
    env: "EXECLENS_ROLE",
    flag: "role",
    schema: z.enum(["all", "api"]).default("all"),
    help: "all: ingest, API and upkeep (default); api: the query API only, read-only (a PostgreSQL standby)",
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
  otlpGrpcPort: {
    env: "EXECLENS_OTLP_GRPC_PORT",
    flag: "otlp-grpc-port",
    schema: port.default(4317),
    help: "OTLP/gRPC port, TraceService/Export (default 4317)",
  },
  maxRequestBytes: {
    env: "EXECLENS_MAX_REQUEST_BYTES",
    flag: "max-request-bytes",
    schema: positiveInt(16 * 1024 * 1024),
    help: "largest OTLP request body after decompression (default 16777216)",
  },
  maxInflightBytes: {
    env: "EXECLENS_MAX_INFLIGHT_BYTES",
    flag: "max-inflight-bytes",
    schema: positiveInt(16 * 1024 * 1024),
    help: "request bytes in flight before senders get 429 / UNAVAILABLE (default 16777216)",
  },
  maxInflightSpans: {
    env: "EXECLENS_MAX_INFLIGHT_SPANS",
    flag: "max-inflight-spans",
    schema: positiveInt(20_000),
    help: "spans in flight before senders get 429 / UNAVAILABLE (default 20000)",
  },
  maxSpansPerRequest: {
    env: "EXECLENS_MAX_SPANS_PER_REQUEST",
    flag: "max-spans-per-request",
    schema: positiveInt(DEFAULT_SPAN_LIMITS.maxSpansPerRequest),
    help: "spans taken from one request; the rest are rejected (default 10000)",
  },
  maxAttributesPerSpan: {
    env: "EXECLENS_MAX_ATTRIBUTES_PER_SPAN",
    flag: "max-attributes-per-span",
    schema: positiveInt(DEFAULT_SPAN_LIMITS.maxAttributesPerSpan),
    help: "attributes kept per span; the rest are dropped and noted (default 256)",
  },
  maxAttributeValueBytes: {
    env: "EXECLENS_MAX_ATTRIBUTE_VALUE_BYTES",
    flag: "max-attribute-value-bytes",
    schema: positiveInt(DEFAULT_SPAN_LIMITS.maxAttributeValueBytes),
    help: "longest attribute value; longer ones are cut with a marker (default 65536)",
  },
  shutdownTimeoutMs: {
    env: "EXECLENS_SHUTDOWN_TIMEOUT_MS",
    flag: "shutdown-timeout-ms",
    schema: positiveInt(10_000),
    help: "how long SIGTERM waits for requests in flight (default 10000)",
  },
  sweepIntervalMs: {
    env: "EXECLENS_SWEEP_INTERVAL_MS",
    flag: "sweep-interval-ms",
    schema: positiveInt(30_000),
    help: "how often workflows past their timeout are marked timeout (default 30000)",
  },
  defaultTimeoutMs: {
    env: "EXECLENS_DEFAULT_TIMEOUT_MS",
    flag: "default-timeout-ms",
    schema: positiveInt(60 * 60 * 1000),
    help: "timeout of workflows without execution_config.timeout (default 3600000)",
  },
  settleAfterMs: {
    env: "EXECLENS_SETTLE_AFTER_MS",
    flag: "settle-after-ms",
    schema: positiveInt(30_000),
    help: "a trace quiet this long with chains still waiting for an ancestor (no span flags, a caller that does not export) is settled at its topmost known span (default 30000)",
  },
  stuckAfterMs: {
    env: "EXECLENS_STUCK_AFTER_MS",
    flag: "stuck-after-ms",
    schema: positiveInt(15 * 60 * 1000),
    help: "running/paused longer than this counts as stuck in /metrics (default 900000)",
  },
  retentionDays: {
    env: "EXECLENS_RETENTION_DAYS",
    flag: "retention-days",
    schema: z.coerce.number().int().min(1).optional(),
    help: "delete executions older than this many days, hourly in small batches (unset: keep)",
  },
  alertmanagerUrl: {
    env: "EXECLENS_ALERTMANAGER_URL",
    flag: "alertmanager-url",
    schema: z.string().url().optional(),
    help: "post failed and timed-out executions to this Alertmanager (optional)",
  },
  forwardOtlpEndpoint: {
    env: "EXECLENS_FORWARD_OTLP_ENDPOINT",
    flag: "forward-otlp-endpoint",
    schema: z
      .string()
      .url()
      .regex(/^https?:\/\//, "must be an http:// or https:// URL")
      .optional()
      .transform((url) => (url === undefined ? undefined : tracesUrl(url))),
    help: "re-send every accepted request to this OTLP/HTTP endpoint; /v1/traces added to a bare host (optional)",
  },
  forwardHeaders: {
    env: "EXECLENS_FORWARD_HEADERS",
    flag: "forward-headers",
    schema: z
      .string()
      .optional()
      .transform(parsedBy((text) => parseHeaders(text ?? ""))),
    help: "headers for the forward endpoint, key=value,key=value as OTEL_EXPORTER_OTLP_HEADERS",
  },
  forwardQueueBytes: {
    env: "EXECLENS_FORWARD_QUEUE_BYTES",
    flag: "forward-queue-bytes",
    schema: positiveInt(16 * 1024 * 1024),
    help: "request bytes waiting to be forwarded; past it requests are dropped and counted (default 16777216)",
  },
  prices: {
    env: "EXECLENS_PRICES",
    flag: "prices",
    schema: structured(z.array(PRICE)),
    help: "model prices added to (and overriding) the shipped table, as JSON or a YAML list in the config file",
  },
  mappingRules: {
    env: "EXECLENS_MAPPING_RULES",
    flag: "mapping-rules",
    schema: structured(z.array(MAPPING_RULE), ruleLabel),
    help: "rules mapping an app's own span attributes to execlens columns, tried before the built-in conventions (JSON, or a YAML list in the config file)",
  },
  apiKeys: {
    env: "EXECLENS_API_KEYS",
    flag: "api-keys",
    schema: z
      .string()
      .optional()
      .transform(parsedBy((text) => (text === undefined ? [] : parseApiKeys(text)))),
    help: "API keys, hashed: sha256:<hex>=<org>[,<org>] or =*, separated by ';' (unset: API open)",
  },
  explorer: {
    env: "EXECLENS_EXPLORER",
    flag: "explorer",
    schema: z
      .enum(["true", "false"], { message: "must be true or false" })
      .default("true")
      .transform((value) => value === "true"),
    help: "serve the execution explorer (web pages) at / on the API port; false: the API alone (default true)",
  },
  logLevel: {
    env: "EXECLENS_LOG_LEVEL",
    flag: "log-level",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    help: "fatal, error, warn, info, debug, trace or silent (default info)",
  },
} as const;

type SettingKey = keyof typeof SETTINGS;

/** Settings whose configuration-file value is YAML structure rather than a scalar. */
const STRUCTURED_SETTINGS: ReadonlySet<SettingKey> = new Set(["prices", "mappingRules"]);

/** Settings never echoed in errors: API keys (even hashed) and the forward headers (credentials). */
const SECRET_SETTINGS: ReadonlySet<SettingKey> = new Set(["apiKeys", "forwardHeaders"]);

/** The traces URL of an OTLP/HTTP endpoint: a bare host gets /v1/traces, as OTEL_EXPORTER_OTLP_ENDPOINT does. */
function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/v1/traces";
  return url.toString();
}

/** `key=value,key=value`, values percent-decoded, as the OTLP exporter configuration specifies. */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    if (eq <= 0 || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new Error(`each header must be name=value (got a pair without a valid name)`);
    }
    headers[name.toLowerCase()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return headers;
}

/** The validated configuration: one field per setting above. */
export type Config = { readonly [K in SettingKey]: z.output<(typeof SETTINGS)[K]["schema"]> };

export function helpText(): string {
  const lines = Object.values(SETTINGS).map((s) => `  --${s.flag.padEnd(18)} ${s.env.padEnd(26)} ${s.help}`);
  return [
    "Usage: execlens [options]",
    "       execlens api-key [organisation …]   make an API key (none: every organisation)",
    "       execlens config print [options]      the effective configuration, secrets masked",
    "",
    "Receives OTLP traces and keeps skill and workflow executions in PostgreSQL.",
    "Each option can also be set by its environment variable; a flag wins over the variable.",
    "",
    "  flag                 variable                   meaning",
    ...lines,
    "  --config             EXECLENS_CONFIG            YAML file of these settings, by name (apiPort: 8318)",
    "  --help                                          this text",
    "",
    "Self-telemetry (execlens' own traces) follows the standard OTEL_* variables and is off unless",
    "OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set.",
  ].join("\n");
}

/** Flags first, then environment variables, then defaults; the first invalid value names its key. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): Config {
  const options = {
    ...Object.fromEntries(Object.values(SETTINGS).map((s) => [s.flag, { type: "string" as const }])),
    config: { type: "string" as const },
  };
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError("arguments", (error as Error).message);
  }
  const configFile = typeof flags.config === "string" ? flags.config : env.EXECLENS_CONFIG || undefined;
  const fromFile = configFile === undefined ? {} : readConfigFile(configFile);
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [SettingKey, (typeof SETTINGS)[SettingKey]][]) {
    const fromFlag = flags[setting.flag];
    const fromEnv = env[setting.env] === "" ? undefined : env[setting.env];
    const raw = typeof fromFlag === "string" ? fromFlag : (fromEnv ?? fromFile[key]);
    const name =
      typeof fromFlag === "string"
        ? `--${setting.flag}`
        : fromEnv !== undefined
          ? setting.env
          : `${configFile}: ${key}`;
    const parsed = (setting.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const got = SECRET_SETTINGS.has(key) ? "" : ` (got ${JSON.stringify(raw)})`;
      throw new ConfigError(name, `${issue?.message ?? "invalid value"}${got}`);
    }
    config[key] = parsed.data;
  }
  if (config.role === "api" && config.databaseUrl === undefined) {
    throw new ConfigError("EXECLENS_ROLE", "api serves a PostgreSQL server's rows: set DATABASE_URL too");
  }
  return config as unknown as Config;
}

/**
 * The YAML file of EXECLENS_CONFIG (or --config): the settings by their property names
 * (`apiPort: 8318`, `apiKeys: [...]`, `forwardHeaders: {name: value}`); values below flags and
 * environment variables.
 */
function readConfigFile(path: string): Partial<Record<SettingKey, string>> {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(path, `cannot read the configuration file: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new ConfigError(path, "the configuration file must be a mapping of settings");
  }
  const values: Partial<Record<SettingKey, string>> = {};
  for (const [key, value] of Object.entries(document)) {
    if (!(key in SETTINGS)) {
      throw new ConfigError(
        `${path}: ${key}`,
        `unknown setting; use one of ${Object.keys(SETTINGS).join(", ")}`,
      );
    }
    values[key as SettingKey] = STRUCTURED_SETTINGS.has(key as SettingKey)
      ? JSON.stringify(value)
      : Array.isArray(value)
        ? value.join(";")
        : value === null
          ? undefined
          : typeof value === "object"
            ? Object.entries(value)
                .map(([name, v]) => `${name}=${encodeURIComponent(String(v))}`)
                .join(",")
            : String(value);
  }
  return values;
}

/** The effective configuration with secrets masked: the password of DATABASE_URL, the API key hashes, the forward headers' values. */
export function printableConfig(config: Config): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...config };
  if (config.databaseUrl !== undefined) {
    const url = new URL(config.databaseUrl);
    if (url.password !== "") url.password = "***";
    masked.databaseUrl = url.toString();
  }
  masked.apiKeys = config.apiKeys.map((key) => ({ sha256: "***", organizations: key.organizations }));
  masked.forwardHeaders = Object.fromEntries(Object.keys(config.forwardHeaders).map((name) => [name, "***"]));
  return masked;
}
