import { mkdir } from "node:fs/promises";
import type { Logger } from "pino";
import {
  Admission,
  createHttpReceiver,
  type ExportContext,
  type GrpcReceiver,
  startGrpcReceiver,
  type TracesConsumer,
} from "./collector/index.js";
import type { Config } from "./config.js";
import { type Listening, listen } from "./listen.js";
import { mapSpans } from "./mappers/index.js";
import { createApiApp } from "./server/index.js";
import { type DatabaseHandle, type DatabaseTarget, GroupCommitWriter, openDatabase } from "./store/index.js";

export interface Execlens {
  readonly database: DatabaseHandle;
  readonly otlpHttpUrl: string;
  readonly otlpGrpcAddress: string;
  readonly apiUrl: string;
  /** Graceful: stop accepting, answer what is in flight, close the database (bounded by the shutdown timeout). */
  stop(): Promise<void>;
}

/** Decode → map → store: resolves once the rows are committed, so a 200 means durable. */
export function createIngestPipeline(writer: GroupCommitWriter, logger?: Logger): TracesConsumer {
  return {
    async consume(spans) {
      const changes = mapSpans(spans);
      const summary = await writer.submit(changes);
      logger?.debug({ ...summary, rejected: changes.rejected.length }, "batch stored");
      return { rejected: changes.rejected };
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
  const context: ExportContext = {
    consumer: createIngestPipeline(writer, logger),
    limits: {
      maxSpansPerRequest: config.maxSpansPerRequest,
      maxAttributesPerSpan: config.maxAttributesPerSpan,
      maxAttributeValueBytes: config.maxAttributeValueBytes,
      maxFutureSkewMs: 24 * 60 * 60 * 1000,
    },
    now: Date.now,
  };
  const admission = new Admission({
    maxInflightBytes: config.maxInflightBytes,
    maxInflightSpans: config.maxInflightSpans,
  });
  const onError = (error: unknown) =>
    logger.warn({ err: error }, "could not store a batch; answered retry later");
  const receiverOptions = { context, admission, maxRequestBytes: config.maxRequestBytes, onError };

  let otlpHttp: Listening | undefined;
  let otlpGrpc: GrpcReceiver | undefined;
  let api: Listening | undefined;
  const closeAll = async () => {
    await Promise.all([otlpHttp?.close(), otlpGrpc?.close()]);
    await writer.drain();
    await api?.close();
    await database.close();
  };
  try {
    otlpHttp = await listen(createHttpReceiver(receiverOptions), config.host, config.otlpHttpPort);
    otlpGrpc = await startGrpcReceiver(receiverOptions, config.host, config.otlpGrpcPort);
    const apiApp = createApiApp({
      database,
      apiKeys: config.apiKeys,
      onError: (error) => logger.error({ err: error }, "API request failed"),
    });
    api = await listen(apiApp, config.host, config.apiPort);
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
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), config.shutdownTimeoutMs);
      });
      const outcome = await Promise.race([closeAll().then(() => "closed" as const), deadline]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        logger.warn(
          { timeoutMs: config.shutdownTimeoutMs },
          "shutdown deadline passed; dropping connections",
        );
        otlpHttp?.forceClose();
        api?.forceClose();
        await database.close().catch(() => undefined);
      }
    },
  };
}
