import { z } from "zod";
import { type ConfigOf, optionalSetting, positiveInt, setting } from "../model/index.js";

/** Where the rows live and how they are kept: the database, writing, settling, timeouts, retention. */
export const storeSettings = {
  databaseUrl: optionalSetting({
    env: "DATABASE_URL",
    flag: "database-url",
    schema: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
    unset: "embedded PGlite",
    help: "`postgres://` or `postgresql://` URL of a PostgreSQL server",
  }),
  dataDir: setting({
    env: "EXECLENS_DATA_DIR",
    flag: "data-dir",
    schema: z.string().min(1),
    default: "./.execlens",
    help: "where PGlite keeps its data",
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
