import { z } from "zod";
import { type ConfigOf, flagBoolean, optionalSetting, positiveInt, setting, textOr } from "../model/index.js";

/**
 * PostgreSQL settings PGlite starts with, sized for one sidecar rather than initdb's server
 * defaults (128 MB of shared buffers, touched at start, and 100 connections' worth of shared
 * memory for a database that has one connection). `EXECLENS_PGLITE_SETTINGS` overrides them by name.
 */
export const PGLITE_DEFAULT_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: "16MB",
  wal_buffers: "4MB",
  max_connections: "10",
  maintenance_work_mem: "16MB",
};

const SETTING_NAME = /^[a-z][a-z0-9_.]*$/;

/** `name=value,name=value`, PostgreSQL settings as `-c name=value` takes them. */
function parsePostgresSettings(text: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw new Error(`each setting must be name=value, and ${JSON.stringify(pair.trim())} is not`);
    const name = pair.slice(0, eq).trim();
    if (!SETTING_NAME.test(name)) throw new Error(`${JSON.stringify(name)} is not a PostgreSQL setting name`);
    settings[name] = pair.slice(eq + 1).trim();
  }
  return settings;
}

/** Where the rows live and how they are kept: the database, writing, settling, timeouts, retention. */
export const storeSettings = {
  databaseUrl: optionalSetting({
    env: "DATABASE_URL",
    flag: "database-url",
    schema: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
    unset: "embedded PGlite",
    help: "`postgres://` or `postgresql://` URL of a PostgreSQL server",
  }),
  preparedStatements: setting({
    env: "EXECLENS_PREPARED_STATEMENTS",
    flag: "prepared-statements",
    schema: flagBoolean,
    default: true,
    help: "prepare statements once per PostgreSQL connection (on PGlite, in its transactions); false behind a pooler that cannot keep them (PgBouncer before 1.21 in transaction mode)",
  }),
  dataDir: setting({
    env: "EXECLENS_DATA_DIR",
    flag: "data-dir",
    schema: z.string().min(1),
    default: "./.execlens",
    help: "where PGlite keeps its data",
  }),
  pgliteSettings: setting({
    env: "EXECLENS_PGLITE_SETTINGS",
    flag: "pglite-settings",
    // name=value,name=value in a variable or flag, a mapping in the YAML file
    schema: textOr(
      parsePostgresSettings,
      z.record(z.string(), z.coerce.string()).superRefine((settings, ctx) => {
        for (const name of Object.keys(settings).filter((key) => !SETTING_NAME.test(key)))
          ctx.addIssue({
            code: "custom",
            message: `${JSON.stringify(name)} is not a PostgreSQL setting name`,
          });
      }),
    ),
    default: {},
    help: "PostgreSQL settings PGlite starts with, `name=value,…`, each over its default (see Footprint)",
  }),
  writerConcurrency: setting({
    env: "EXECLENS_WRITER_CONCURRENCY",
    flag: "writer-concurrency",
    schema: positiveInt,
    default: 4,
    help: "transactions writing at once on PostgreSQL (PGlite has one connection: always 1)",
  }),
  maxSpansPerTransaction: setting({
    env: "EXECLENS_MAX_SPANS_PER_TRANSACTION",
    flag: "max-spans-per-transaction",
    schema: positiveInt,
    default: 5_000,
    help: "spans of concurrent requests merged into one transaction at most (group commit)",
  }),
  settleAfterMs: setting({
    env: "EXECLENS_SETTLE_AFTER_MS",
    flag: "settle-after-ms",
    schema: positiveInt,
    default: 30_000,
    help: "a trace quiet this long with chains still waiting for an ancestor is settled at its topmost known span",
  }),
  sweepIntervalMs: setting({
    env: "EXECLENS_SWEEP_INTERVAL_MS",
    flag: "sweep-interval-ms",
    schema: positiveInt,
    default: 30_000,
    help: "how often the timeout sweeper runs",
  }),
  defaultTimeoutMs: setting({
    env: "EXECLENS_DEFAULT_TIMEOUT_MS",
    flag: "default-timeout-ms",
    schema: positiveInt,
    default: 60 * 60 * 1000,
    help: "timeout of a workflow without `execution_config.timeout`",
  }),
  retentionDays: optionalSetting({
    env: "EXECLENS_RETENTION_DAYS",
    flag: "retention-days",
    schema: positiveInt,
    unset: "keep",
    help: "delete executions older than this, hourly, in small batches",
  }),
};

export type StoreConfig = ConfigOf<typeof storeSettings>;
