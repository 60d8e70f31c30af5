import { mkdir } from "node:fs/promises";
import type { Logger } from "pino";
import { AlertmanagerNotifier } from "./alerts/index.js";
import { Admission, createHttpReceiver, DEFAULT_SPAN_LIMITS, startGrpcReceiver } from "./collector/index.js";
import { type Config, databaseTarget } from "./config.js";
import { OtlpForwarder } from "./forward/index.js";
import { createIngest, type OutcomeObserver } from "./ingest/index.js";
import { closeBy, Lifecycle } from "./lifecycle.js";
import { type Listening, listen } from "./listen.js";
import { DEFAULT_PRICES } from "./mappers/index.js";
import { createApiApp, ExeclensMetrics } from "./server/index.js";
import { autovacuumRuns, type DatabaseHandle, GroupCommitWriter, openDatabase } from "./store/index.js";
import { TlsSource } from "./tls.js";
import { startUpkeep } from "./upkeep/index.js";

export interface Execlens {
  readonly database: DatabaseHandle;
  readonly otlpHttpUrl: string;
  /** Undefined when EXECLENS_OTLP_GRPC_PORT is off. */
  readonly otlpGrpcAddress: string | undefined;
  readonly apiUrl: string;
  /** Runs one timeout sweep now (it also runs every EXECLENS_SWEEP_INTERVAL_MS). */
  sweep(): Promise<void>;
  /** Settles the traces quiet for EXECLENS_SETTLE_AFTER_MS now (it also runs every few seconds). */
  settle(): Promise<void>;
  /** Re-reads the TLS files now (SIGHUP); a failure is logged and the current certificate kept. */
  reloadTls(): void;
  /** Graceful: stop accepting, answer what is in flight, close the database (bounded by the shutdown timeout). */
  stop(): Promise<void>;
}

const remaining = (deadline: number) => Math.max(0, deadline - Date.now());

/**
 * The composition root: builds each component from the configuration and starts it in the order
 * the next ones need — database, metrics, query API, the outcome observers (Alertmanager,
 * forwarding), writer and ingest, upkeep, and last the receivers, so that nothing is received
 * before everything that handles it runs. Stops them in reverse under one deadline. Tests build
 * execlens the same way.
 */
export async function startExeclens(config: Config, logger: Logger): Promise<Execlens> {
  if (config.databaseUrl === undefined) await mkdir(config.dataDir, { recursive: true });
  const lifecycle = new Lifecycle(logger);
  try {
    const { database, metrics, api, tls } = await startServing(config, logger, lifecycle);
    const observers: OutcomeObserver[] = [(outcomes) => metrics.metrics.record(outcomes)];
    if (config.alertmanagerUrl !== undefined) {
      const notifier = new AlertmanagerNotifier({
        url: config.alertmanagerUrl,
        apiUrl: api.listening.url,
        onError: (error) => logger.warn({ err: error }, "could not post alerts to Alertmanager"),
        onDropped: (reason, count) => logger.warn({ reason, count }, "alerts for Alertmanager dropped"),
      });
      observers.push((outcomes) => notifier.notify(outcomes));
      lifecycle.add({ name: "alertmanager", stop: (deadline) => notifier.close(remaining(deadline)) });
    }
    const forwarder =
      config.forwardOtlpEndpoint === undefined
        ? undefined
        : new OtlpForwarder({
            url: config.forwardOtlpEndpoint,
            headers: config.forwardHeaders,
            maxQueueBytes: config.forwardQueueBytes,
            onSent: (count) => metrics.metrics.recordForward("sent", count),
            onDropped: (reason, count) => metrics.metrics.recordForward("dropped", count, reason),
            onError: (error) => logger.debug({ err: error }, "forward attempt failed"),
          });
    if (forwarder !== undefined) {
      lifecycle.add({
        name: "forwarder",
        stop: (deadline) => forwarder.close(Math.max(0, deadline - Date.now())),
      });
    }
    const writer = new GroupCommitWriter(database.handle.db, {
      // PGlite has one connection
      concurrency: database.handle.kind === "pglite" ? 1 : config.writerConcurrency,
      maxSpansPerTransaction: config.maxSpansPerTransaction,
    });
    lifecycle.add({ name: "writer", stop: () => writer.drain() });
    if (database.handle.kind === "postgres" && !(await autovacuumRuns(database.handle))) {
      logger.warn(
        "PostgreSQL's autovacuum is off: execlens analyzes its tables as they grow, but nothing removes their dead rows; turn autovacuum on",
      );
    }
    const upkeep = lifecycle.add(startUpkeep(database.handle.db, config, observers, logger));
    const receiverOptions = {
      context: {
        consumer: createIngest({
          writer,
          observers,
          metrics: metrics.metrics,
          logger,
          mapping: {
            prices: [...DEFAULT_PRICES, ...(config.prices ?? [])],
            rules: config.mappingRules ?? [],
          },
        }),
        limits: {
          ...DEFAULT_SPAN_LIMITS,
          maxSpansPerRequest: config.maxSpansPerRequest,
          maxAttributesPerSpan: config.maxAttributesPerSpan,
          maxAttributeValueBytes: config.maxAttributeValueBytes,
        },
        now: Date.now,
        onAccepted:
          forwarder && ((body: Uint8Array, contentType: string) => forwarder.forward({ body, contentType })),
      },
      admission: new Admission({
        maxInflightBytes: config.maxInflightBytes,
        maxInflightSpans: config.maxInflightSpans,
      }),
      maxRequestBytes: config.maxRequestBytes,
      ingestKeys: config.ingestKeys,
      onError: (error: unknown) =>
        logger.warn({ err: error }, "could not store a batch; answered retry later"),
      onRefused: (reason: string) => metrics.metrics.recordRefusedRequest(reason),
    };
    const otlpHttp = lifecycle.add(
      await serverComponent(
        "otlp-http",
        createHttpReceiver(receiverOptions),
        config.host,
        config.otlpHttpPort,
        tls.source,
      ),
    );
    const otlpGrpcAddress =
      config.otlpGrpcPort === "off"
        ? undefined
        : await grpcComponent(
            lifecycle,
            { ...receiverOptions, credentials: tls.source && ((grpc) => tls.source.grpcCredentials(grpc)) },
            config.host,
            config.otlpGrpcPort,
          );
    return {
      database: database.handle,
      otlpHttpUrl: otlpHttp.listening.url,
      otlpGrpcAddress,
      apiUrl: api.listening.url,
      sweep: upkeep.sweep,
      settle: upkeep.settle,
      reloadTls: tls.reload,
      stop: () => lifecycle.stop(config.shutdownTimeoutMs),
    };
  } catch (error) {
    await lifecycle.stop(config.shutdownTimeoutMs);
    throw error;
  }
}

export interface ExeclensApi {
  readonly database: DatabaseHandle;
  readonly apiUrl: string;
  reloadTls(): void;
  stop(): Promise<void>;
}

/**
 * EXECLENS_ROLE=api: the query API alone on a read-only PostgreSQL (a standby). Nothing is
 * written: no receivers, no upkeep, no migrations (they are checked).
 */
export async function startApiOnly(config: Config, logger: Logger): Promise<ExeclensApi> {
  const lifecycle = new Lifecycle(logger);
  try {
    const { database, api, tls } = await startServing(config, logger, lifecycle, { readOnly: true });
    return {
      database: database.handle,
      apiUrl: api.listening.url,
      reloadTls: tls.reload,
      stop: () => lifecycle.stop(config.shutdownTimeoutMs),
    };
  } catch (error) {
    await lifecycle.stop(config.shutdownTimeoutMs);
    throw error;
  }
}

/** What both roles run: the TLS files, the database, the metrics, the query API. */
async function startServing(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  options: { readOnly?: boolean } = {},
) {
  const tls = lifecycle.add(tlsComponent(config, logger));
  const database = lifecycle.add(await databaseComponent(config, options));
  const metrics = lifecycle.add(metricsComponent(config, database.handle));
  const app = apiAppOf(config, database.handle, metrics.metrics, logger);
  const api = lifecycle.add(await serverComponent("api", app, config.host, config.apiPort, tls.source));
  return { database, metrics, api, tls };
}

/**
 * The TLS files (none: plain HTTP and gRPC), read now — a missing or wrong file stops start-up
 * with a ConfigError naming its setting — and again on reloadTls() and when a file changes.
 */
function tlsComponent(config: Config, logger: Logger) {
  if (config.tlsCertFile === undefined || config.tlsKeyFile === undefined) {
    return { name: "tls", source: undefined, reload: () => {}, stop: async () => {} };
  }
  const source = TlsSource.load({
    certFile: config.tlsCertFile,
    keyFile: config.tlsKeyFile,
    clientCaFile: config.tlsClientCaFile,
  });
  const reload = (trigger: "SIGHUP" | "file change") => {
    try {
      const { subject, validTo } = source.reload();
      logger.info({ trigger, subject, validTo }, "TLS certificate reloaded");
    } catch (error) {
      logger.error({ trigger, err: error }, "could not reload the TLS files; the current certificate stays");
    }
  };
  const unwatch = source.watch(() => reload("file change"));
  return {
    name: "tls",
    source,
    reload: () => reload("SIGHUP"),
    stop: async () => unwatch(),
  };
}

async function databaseComponent(config: Config, options: { readOnly?: boolean } = {}) {
  const handle = await openDatabase(databaseTarget(config), {
    ...options,
    pgliteSettings: config.pgliteSettings,
    preparedStatements: config.preparedStatements,
  });
  return { name: "database", handle, stop: () => handle.close() };
}

function metricsComponent(config: Config, database: DatabaseHandle) {
  const metrics = new ExeclensMetrics({ db: database.db, stuckAfterMs: config.stuckAfterMs });
  return { name: "metrics", metrics, stop: () => metrics.shutdown() };
}

/** The OTLP/gRPC receiver, stopped with the others; its address. */
async function grpcComponent(
  lifecycle: Lifecycle,
  options: Parameters<typeof startGrpcReceiver>[0],
  host: string,
  port: number,
): Promise<string> {
  const grpc = await startGrpcReceiver(options, host, port);
  lifecycle.add({
    name: "otlp-grpc",
    stop: (deadline) =>
      closeBy(
        deadline,
        () => grpc.close(),
        () => grpc.forceClose(),
      ),
  });
  return `${host.includes(":") ? `[${host}]` : host}:${grpc.port}`;
}

/** An HTTP server; stopping answers the requests in flight, or drops them at the deadline. */
async function serverComponent(
  name: string,
  app: Parameters<typeof listen>[0],
  host: string,
  port: number,
  tls: TlsSource | undefined,
): Promise<{ name: string; listening: Listening; stop(deadline: number): Promise<void> }> {
  const listening = await listen(app, host, port, tls);
  return {
    name,
    listening,
    stop: (deadline) =>
      closeBy(
        deadline,
        () => listening.close(),
        () => listening.forceClose(),
      ),
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
