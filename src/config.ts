import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { alertSettings } from "./alerts/config.js";
import { collectorSettings } from "./collector/config.js";
import { forwardSettings } from "./forward/config.js";
import { mappingSettings } from "./mappers/config.js";
import { type ConfigOf, optionalSetting, positiveInt, type Setting, setting } from "./model/index.js";
import { serverSettings } from "./server/config.js";
import { storeSettings } from "./store/config.js";
import type { DatabaseTarget } from "./store/index.js";

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = "ConfigError";
  }
}

/** What is the whole process's rather than one component's. */
const processSettings = {
  role: setting({
    env: "EXECLENS_ROLE",
    flag: "role",
    schema: z.enum(["all", "api"]),
    default: "all",
    help: "`api`: the query API alone, read-only, e.g. on a PostgreSQL hot standby (see Several replicas)",
  }),
  host: setting({
    env: "EXECLENS_HOST",
    flag: "host",
    schema: z.string().min(1),
    default: "127.0.0.1",
    help: "address every server listens on",
  }),
  tlsCertFile: optionalSetting({
    env: "EXECLENS_TLS_CERT_FILE",
    flag: "tls-cert-file",
    schema: z.string().min(1),
    unset: "plain HTTP and gRPC",
    help: "PEM certificate (chain) every server (OTLP/HTTP, OTLP/gRPC, API) presents; reloaded on SIGHUP or when the file changes",
  }),
  tlsKeyFile: optionalSetting({
    env: "EXECLENS_TLS_KEY_FILE",
    flag: "tls-key-file",
    schema: z.string().min(1),
    unset: "none",
    help: "PEM private key of `EXECLENS_TLS_CERT_FILE`",
  }),
  tlsClientCaFile: optionalSetting({
    env: "EXECLENS_TLS_CLIENT_CA_FILE",
    flag: "tls-client-ca-file",
    schema: z.string().min(1),
    unset: "no client certificates",
    help: "mutual TLS: PEM CA certificates; every client must present a certificate they signed",
  }),
  shutdownTimeoutMs: setting({
    env: "EXECLENS_SHUTDOWN_TIMEOUT_MS",
    flag: "shutdown-timeout-ms",
    schema: positiveInt,
    default: 10_000,
    help: "how long SIGTERM/SIGINT wait for requests in flight",
  }),
  logLevel: setting({
    env: "EXECLENS_LOG_LEVEL",
    flag: "log-level",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    default: "info",
    help: "pino level (JSON logs on stdout)",
  }),
};

/** Every setting, each component's slice as it declares it (the first ones first in the help). */
const { databaseUrl, dataDir, ...upkeepSettings } = storeSettings;
const { role, host, tlsCertFile, tlsKeyFile, tlsClientCaFile, ...runSettings } = processSettings;
const SETTINGS = {
  databaseUrl,
  role,
  dataDir,
  host,
  tlsCertFile,
  tlsKeyFile,
  tlsClientCaFile,
  ...collectorSettings,
  ...serverSettings,
  ...upkeepSettings,
  ...alertSettings,
  ...forwardSettings,
  ...mappingSettings,
  ...runSettings,
};

type SettingKey = keyof typeof SETTINGS;

/** The validated configuration: one field per setting. */
export type Config = ConfigOf<typeof SETTINGS>;

const CONFIG_FILE = { env: "EXECLENS_CONFIG", flag: "config" } as const;

const entries = Object.entries(SETTINGS) as Array<[SettingKey, Setting]>;

/** A setting's default as help and the README show it. */
function shownDefault(s: Setting): string {
  if (s.default === undefined) return `unset: ${s.unset ?? "none"}`;
  if (Array.isArray(s.default) && s.default.length === 0) return "none";
  if (typeof s.default === "object" && s.default !== null && Object.keys(s.default).length === 0)
    return "none";
  return String(s.default);
}

export function helpText(): string {
  const plain = (text: string) => text.replaceAll("`", "");
  const lines = entries.map(
    ([, s]) => `  --${s.flag.padEnd(26)} ${s.env.padEnd(36)} ${plain(s.help)} (default: ${shownDefault(s)})`,
  );
  return [
    "Usage: execlens [options]",
    "       execlens api-key [organisation …]   make an API key (none: every organisation)",
    "       execlens ingest-key [organisation]   make an ingest key (none: spans name their organisation)",
    "       execlens config print [options]      the effective configuration, secrets masked",
    "       execlens rollups rebuild [options]   stats rollups rebuilt from the rows (see the README)",
    "",
    "Receives OTLP traces and keeps skill and workflow executions in PostgreSQL.",
    "Each option can also be set by its environment variable or in the YAML file of --config;",
    "a flag wins over the variable, the variable over the file.",
    "",
    `  ${"flag".padEnd(28)} ${"variable".padEnd(36)} meaning`,
    ...lines,
    `  --${CONFIG_FILE.flag.padEnd(26)} ${CONFIG_FILE.env.padEnd(36)} a YAML file of these settings by name (apiPort: 8318)`,
    `  --${"help".padEnd(26)} ${"".padEnd(36)} this text`,
    "",
    "Self-telemetry (execlens' own traces) follows the standard OTEL_* variables and is off unless",
    "OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set.",
  ].join("\n");
}

/** The README's configuration table, made from the settings (a test keeps the README in step). */
export function configurationTable(): string {
  const rows = [
    ...entries.map(([, s]) => [`\`${s.env}\``, `\`--${s.flag}\``, `\`${shownDefault(s)}\``, s.help]),
    [
      `\`${CONFIG_FILE.env}\``,
      `\`--${CONFIG_FILE.flag}\``,
      "`unset: none`",
      "a YAML file of these settings by name (`apiPort: 8318`, `apiKeys: [...]`); flags and variables win over it",
    ],
  ];
  const header = ["variable", "flag", "default", "meaning"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Flags first, then environment variables, then the YAML file, then defaults; the first invalid value names its key. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): Config {
  const options = {
    ...Object.fromEntries(entries.map(([, s]) => [s.flag, { type: "string" as const }])),
    [CONFIG_FILE.flag]: { type: "string" as const },
  };
  const bare = new Set(entries.filter(([, s]) => s.bare === true).map(([, s]) => `--${s.flag}`));
  let flags: Record<string, string | boolean | undefined>;
  try {
    const args = argv.map((arg) => (bare.has(arg) ? `${arg}=true` : arg));
    flags = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError("arguments", (error as Error).message);
  }
  const fromFlag = flags[CONFIG_FILE.flag];
  const configFile = typeof fromFlag === "string" ? fromFlag : env[CONFIG_FILE.env] || undefined;
  const fromFile = configFile === undefined ? {} : readConfigFile(configFile);
  const config: Record<string, unknown> = {};
  for (const [key, s] of entries) {
    const flag = flags[s.flag];
    const variable = env[s.env] === "" ? undefined : env[s.env];
    const [raw, name] =
      typeof flag === "string"
        ? [flag, `--${s.flag}`]
        : variable !== undefined
          ? [variable, s.env]
          : [fromFile[key], `${configFile}: ${key}`];
    if (raw === undefined || raw === null) {
      config[key] = s.default;
      continue;
    }
    const parsed = s.schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const got = s.secret === true ? "" : ` (got ${JSON.stringify(raw)})`;
      throw new ConfigError(name, `${issue?.message ?? "invalid value"}${got}`);
    }
    config[key] = parsed.data;
  }
  if (config.role === "api" && config.databaseUrl === undefined) {
    throw new ConfigError("EXECLENS_ROLE", "api serves a PostgreSQL server's rows: set DATABASE_URL too");
  }
  checkTls(config as Config);
  checkExposure(config as Config);
  return config as Config;
}

function checkTls(config: Config): void {
  if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined)) {
    const [missing, set] =
      config.tlsKeyFile === undefined
        ? [SETTINGS.tlsKeyFile.env, SETTINGS.tlsCertFile.env]
        : [SETTINGS.tlsCertFile.env, SETTINGS.tlsKeyFile.env];
    throw new ConfigError(missing, `must be set together with ${set}`);
  }
  if (config.tlsClientCaFile !== undefined && config.tlsCertFile === undefined) {
    throw new ConfigError(
      SETTINGS.tlsClientCaFile.env,
      `mutual TLS needs a server certificate: set ${SETTINGS.tlsCertFile.env} and ${SETTINGS.tlsKeyFile.env} too`,
    );
  }
}

/** Whether a host name or address only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1" || /^::ffff:127\./i.test(bare);
}

/** Who can use each door: `keys` (a key is required), `open` on a network address, `loopback` (open, this machine only). */
export interface Access {
  readonly api: "keys" | "open" | "loopback";
  /** Absent for EXECLENS_ROLE=api, which receives nothing. */
  readonly ingest?: "keys" | "open" | "loopback";
  readonly tls: "off" | "on" | "mutual";
}

export function accessOf(config: Config): Access {
  const door = (keys: readonly unknown[]) =>
    keys.length > 0 ? "keys" : isLoopback(config.host) ? "loopback" : "open";
  const tls =
    config.tlsCertFile === undefined ? "off" : config.tlsClientCaFile === undefined ? "on" : "mutual";
  return config.role === "api"
    ? { api: door(config.apiKeys), tls }
    : { api: door(config.apiKeys), ingest: door(config.ingestKeys), tls };
}

/**
 * The exposure guard: an API or OTLP receiver without keys on an address other machines reach
 * is refused, unless EXECLENS_ALLOW_OPEN_API / EXECLENS_ALLOW_OPEN_INGEST say it is meant.
 */
function checkExposure(config: Config): void {
  const access = accessOf(config);
  if (access.api === "open" && !config.allowOpenApi) {
    throw new ConfigError(
      SETTINGS.apiKeys.env,
      `none set while ${SETTINGS.host.env}=${config.host} is not a loopback address: anyone who reaches port ${config.apiPort} would read every execution. Set ${SETTINGS.apiKeys.env} (\`execlens api-key\`), or ${SETTINGS.allowOpenApi.env}=true (--${SETTINGS.allowOpenApi.flag}) if an open API is meant`,
    );
  }
  if (access.ingest === "open" && !config.allowOpenIngest) {
    throw new ConfigError(
      SETTINGS.ingestKeys.env,
      `none set while ${SETTINGS.host.env}=${config.host} is not a loopback address: anyone who reaches the OTLP ports would write executions for any organisation. Set ${SETTINGS.ingestKeys.env} (\`execlens ingest-key\`), or ${SETTINGS.allowOpenIngest.env}=true (--${SETTINGS.allowOpenIngest.flag}) if open ingest is meant`,
    );
  }
}

/**
 * The YAML file of EXECLENS_CONFIG (or --config): the settings by their property names
 * (`apiPort: 8318`, `apiKeys: [...]`, `forwardHeaders: {name: value}`), as typed YAML values.
 */
function readConfigFile(path: string): Partial<Record<SettingKey, unknown>> {
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
  for (const key of Object.keys(document)) {
    if (!(key in SETTINGS)) {
      throw new ConfigError(
        `${path}: ${key}`,
        `unknown setting; use one of ${Object.keys(SETTINGS).join(", ")}`,
      );
    }
  }
  return document as Partial<Record<SettingKey, unknown>>;
}

/** The database the configuration names: PostgreSQL by DATABASE_URL, else PGlite in the data directory. */
export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir };
}

/**
 * The effective configuration with secrets masked (the password of DATABASE_URL, the API and
 * ingest key hashes, the forward headers' values), and who can use each door (`access`).
 */
export function printableConfig(config: Config): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...config };
  if (config.databaseUrl !== undefined) {
    const url = new URL(config.databaseUrl);
    if (url.password !== "") url.password = "***";
    masked.databaseUrl = url.toString();
  }
  const maskedKeys = (keys: Config["apiKeys"]) =>
    keys.map((key) => ({ sha256: "***", organizations: key.organizations }));
  masked.apiKeys = maskedKeys(config.apiKeys);
  masked.ingestKeys = maskedKeys(config.ingestKeys);
  masked.forwardHeaders = Object.fromEntries(Object.keys(config.forwardHeaders).map((name) => [name, "***"]));
  masked.access = accessOf(config);
  return masked;
}
