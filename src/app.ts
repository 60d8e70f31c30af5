import { mkdir } from "node:fs/promises";
import type { Logger } from "pino";
import { AlertmanagerNotifier } from "./alerts/alertmanager.js";
import {
  Admission,
  createHttpReceiver,
  type ExportContext,
  type GrpcReceiver,
  isOwnSpan,
  startGrpcReceiver,
  type TracesConsumer,
} from "./collector/index.js";
import type { Config } from "./config.js";
import { OtlpForwarder } from "./forward/otlp-forwarder.js";
import { type Listening, listen } from "./listen.js";
import { DEFAULT_PRICES, type MappingOptions, mapSpans } from "./mappers/index.js";
import { type ExecutionOutcome, outcomesOf } from "./model/index.js";
import { every } from "./periodic.js";
import { createApiApp, ExeclensMetrics } from "./server/index.js";
import {
  type DatabaseHandle,
  type DatabaseTarget,
  deleteExpired,
  GroupCommitWriter,
  openDatabase,
  settleQuietTraces,
  sweepTimeouts,
} from "./store/index.js";

export interface Execlens {
  readonly database: DatabaseHandle;
  readonly otlpHttpUrl: string;
  readonly otlpGrpcAddress: string;
  readonly apiUrl: string;
  /** Runs one timeout sweep now (it also runs every EXECLENS_SWEEP_INTERVAL_MS). */
  sweep(): Promise<void>;
  /** Settles the traces quiet for EXECLENS_SETTLE_AFTER_MS now (it also runs every few seconds). */
  settle(): Promise<void>;
  /** Graceful: stop accepting, answer what is in flight, close the database (bounded by the shutdown timeout). */
  stop(): Promise<void>;
}

/** How often retention deletes executions older than EXECLENS_RETENTION_DAYS. */
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** Told of the executions each committed batch (or timeout sweep) reported. */
export type OutcomeObserver = (outcomes: readonly ExecutionOutcome[]) => void;

/**
 * Decode → map → store: resolves once the rows are committed, so a 200 means durable. execlens'
 * own spans (self-telemetry sent back to it) are counted as received and not stored.
 */
export function createIngestPipeline(
  writer: GroupCommitWriter,
  observers: readonly OutcomeObserver[] = [],
  logger?: Logger,
  metrics?: Pick<ExeclensMetrics, "recordSpans" | "recordModelRequests">,
  mapping: MappingOptions = {},
): TracesConsumer {
  return {
    async consume(received) {
      const spans = received.some(isOwnSpan) ? received.filter((span) => !isOwnSpan(span)) : received;
      if (spans.length === 0) {
        metrics?.recordSpans(received.length, 0);
        return { rejected: [], rowsWritten: 0 };
      }
      const changes = mapSpans(spans, mapping);
      const { aiWorkflows, ...summary } = await writer.submit(changes);
      metrics?.recordSpans(received.length, changes.rejected.length);
      metrics?.recordModelRequests(changes.llmCalls);
      logger?.debug({ ...summary, rejected: changes.rejected.length }, "batch stored");
      const outcomes = outcomesOf(changes, aiWorkflows);
      for (const observe of observers) observe(outcomes);
      return { rejected: changes.rejected, rowsWritten: summary.workflows + summary.steps + summary.skills };
    },
  };
}

function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir };
}

/** The composition root: config → store → pipeline → servers. Tests build execlens the same way. */
export async function startExeclens(config: Config, logger: Logger): Promise<Execlens> {
  if (config.databaseUrl === undefined) await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(databaseTarget(config));
  const writer = new GroupCommitWriter(database.db, {
    concurrency: database.kind === "pglite" ? 1 : 4,
    maxSpansPerTransaction: 5_000,
  });
  const metrics = new ExeclensMetrics({ db: database.db, stuckAfterMs: config.stuckAfterMs });
  const observers: OutcomeObserver[] = [(outcomes) => metrics.record(outcomes)];
  let alertmanager: AlertmanagerNotifier | undefined;
  const forwarder =
    config.forwardOtlpEndpoint === undefined
      ? undefined
      : new OtlpForwarder({
          url: config.forwardOtlpEndpoint,
          headers: config.forwardHeaders,
          maxQueueBytes: config.forwardQueueBytes,
          onSent: (count) => metrics.recordForward("sent", count),
          onDropped: (reason, count) => metrics.recordForward("dropped", count, reason),
          onError: (error) => logger.debug({ err: error }, "forward attempt failed"),
        });
  const context: ExportContext = {
    consumer: createIngestPipeline(writer, observers, logger, metrics, {
      prices: [...DEFAULT_PRICES, ...(config.prices ?? [])],
      rules: config.mappingRules ?? [],
    }),
    limits: {
      maxSpansPerRequest: config.maxSpansPerRequest,
      maxAttributesPerSpan: config.maxAttributesPerSpan,
      maxAttributeValueBytes: config.maxAttributeValueBytes,
      maxFutureSkewMs: 24 * 60 * 60 * 1000,
    },
    now: Date.now,
    onAccepted: forwarder && ((body, contentType) => forwarder.forward({ body, contentType })),
  };
  const admission = new Admission({
    maxInflightBytes: config.maxInflightBytes,
    maxInflightSpans: config.maxInflightSpans,
  });
  const onError = (error: unknown) =>
    logger.warn({ err: error }, "could not store a batch; answered retry later");
  const receiverOptions = { context, admission, maxRequestBytes: config.maxRequestBytes, onError };

  const sweep = async () => {
    const timedOut = await sweepTimeouts(database.db, config.defaultTimeoutMs);
    if (timedOut.length === 0) return;
    logger.info({ count: timedOut.length }, "workflow executions marked timeout");
    const outcomes = timedOut.map(
      (w): ExecutionOutcome => ({
        kind: "workflow",
        name: w.workflowName ?? "",
        status: "timeout",
        durationMs: null,
        organizationId: w.organizationId,
        executionId: w.executionId,
        errorMessage: w.errorMessage,
      }),
    );
    for (const observe of observers) observe(outcomes);
  };
  const sweeper = every(config.sweepIntervalMs, sweep, (error) =>
    logger.warn({ err: error }, "timeout sweep failed"),
  );
  const settle = async () => {
    const settled = await settleQuietTraces(database.db, config.settleAfterMs);
    if (settled.traces === 0) return;
    logger.debug({ traces: settled.traces, aiWorkflows: settled.aiWorkflows.length }, "quiet traces settled");
    const outcomes = outcomesOf({ skills: [], workflows: [] }, settled.aiWorkflows);
    for (const observe of observers) observe(outcomes);
  };
  // a quiet trace is settled within a sixth of the delay after it is due (at most 5 s)
  const settler = every(Math.min(5_000, Math.ceil(config.settleAfterMs / 6)), settle, (error) =>
    logger.warn({ err: error }, "settling quiet traces failed"),
  );
  const { retentionDays } = config;
  const retention =
    retentionDays === undefined
      ? undefined
      : every(
          RETENTION_INTERVAL_MS,
          async () => {
            const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
            const deleted = await deleteExpired(database.db, cutoff, 50);
            logger.info({ ...deleted, cutoff }, "retention: old executions deleted");
          },
          (error) => logger.warn({ err: error }, "retention failed"),
        );

  let otlpHttp: Listening | undefined;
  let otlpGrpc: GrpcReceiver | undefined;
  let api: Listening | undefined;
  const closeAll = async () => {
    const periodic = Promise.all([sweeper.stop(), settler.stop(), retention?.stop()]);
    await Promise.all([otlpHttp?.close(), otlpGrpc?.close()]);
    await writer.drain();
    // The outbound queues share half the shutdown timeout; alerts wait for the sweeps that raise them.
    const grace = config.shutdownTimeoutMs / 2;
    await Promise.all([forwarder?.close(grace), periodic.then(() => alertmanager?.close(grace))]);
    await metrics.shutdown();
    await api?.close();
    await database.close();
  };
  try {
    otlpHttp = await listen(createHttpReceiver(receiverOptions), config.host, config.otlpHttpPort);
    otlpGrpc = await startGrpcReceiver(receiverOptions, config.host, config.otlpGrpcPort);
    api = await listen(apiAppOf(config, database, metrics, logger), config.host, config.apiPort);
    if (config.alertmanagerUrl !== undefined) {
      const notifier = new AlertmanagerNotifier({
        url: config.alertmanagerUrl,
        apiUrl: api.url,
        onError: (error) => logger.warn({ err: error }, "could not post alerts to Alertmanager"),
        onDropped: (reason, count) => logger.warn({ reason, count }, "alerts for Alertmanager dropped"),
      });
      alertmanager = notifier;
      observers.push((outcomes) => notifier.notify(outcomes));
    }
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
  const grpcHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    database,
    otlpHttpUrl: otlpHttp.url,
    otlpGrpcAddress: `${grpcHost}:${otlpGrpc.port}`,
    apiUrl: api.url,
    sweep,
    settle,
    stop: () =>
      stopWithin(config.shutdownTimeoutMs, closeAll, logger, async () => {
        otlpHttp?.forceClose();
        api?.forceClose();
        await database.close().catch(() => undefined);
      }),
  };
}

/** Runs `close`; past the deadline, logs it and runs `force` instead of waiting further. */
async function stopWithin(
  timeoutMs: number,
  close: () => Promise<void>,
  logger: Logger,
  force: () => Promise<void>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const outcome = await Promise.race([close().then(() => "closed" as const), deadline]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    logger.warn({ timeoutMs }, "shutdown deadline passed; dropping connections");
    await force();
  }
}

export interface ExeclensApi {
  readonly database: DatabaseHandle;
  readonly apiUrl: string;
  stop(): Promise<void>;
}

/**
 * EXECLENS_ROLE=api: the query API alone on a read-only PostgreSQL (a standby). Nothing is
 * written: no receivers, no sweeper, no retention, no migrations (they are checked).
 */
export async function startApiOnly(config: Config, logger: Logger): Promise<ExeclensApi> {
  const database = await openDatabase(databaseTarget(config), { readOnly: true });
  const metrics = new ExeclensMetrics({ db: database.db, stuckAfterMs: config.stuckAfterMs });
  let api: Listening;
  try {
    api = await listen(apiAppOf(config, database, metrics, logger), config.host, config.apiPort);
  } catch (error) {
    await metrics.shutdown();
    await database.close();
    throw error;
  }
  const closeAll = async () => {
    await api.close();
    await metrics.shutdown();
    await database.close();
  };
  return {
    database,
    apiUrl: api.url,
    stop: () =>
      stopWithin(config.shutdownTimeoutMs, closeAll, logger, async () => {
        api.forceClose();
        await database.close().catch(() => undefined);
      }),
  };
}

function apiAppOf(config: Config, database: DatabaseHandle, metrics: ExeclensMetrics, logger: Logger) {
  return createApiApp({
    database,
    metrics,
    apiKeys: config.apiKeys,
    explorer: config.explorer,
    onError: (error) => logger.error({ err: error }, "API request failed"),
  });
}
