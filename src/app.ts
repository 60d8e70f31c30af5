import { mkdir } from "node:fs/promises";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { createHttpReceiver, type TracesConsumer } from "./collector/index.js";
import type { Config } from "./config.js";
import { type Listening, listen } from "./listen.js";
import { mapSpans } from "./mappers/index.js";
import { createApiApp } from "./server/index.js";
import { type DatabaseHandle, type DatabaseTarget, openDatabase, writeChanges } from "./store/index.js";

export interface Execlens {
  readonly database: DatabaseHandle;
  readonly otlpHttpUrl: string;
  readonly apiUrl: string;
  stop(): Promise<void>;
}

/** Decode → map → store: resolves once the rows are committed, so a 200 means durable. */
export function createIngestPipeline(database: DatabaseHandle, logger?: Logger): TracesConsumer {
  return {
    async consume(spans) {
      const changes = mapSpans(spans);
      const summary = await writeChanges(database.db, changes);
      logger?.debug({ ...summary, rejected: changes.rejected.length }, "batch stored");
      return { rejected: changes.rejected };
    },
  };
}

/** The composition root: config → store → pipeline → servers. Tests build execlens the same way. */
export async function startExeclens(config: Config, logger: Logger): Promise<Execlens> {
  let target: DatabaseTarget;
  if (config.databaseUrl !== undefined) {
    target = { databaseUrl: config.databaseUrl };
  } else {
    await mkdir(config.dataDir, { recursive: true });
    target = { dataDir: config.dataDir };
  }
  const database = await openDatabase(target);
  const servers: Listening[] = [];
  try {
    const receiver = createHttpReceiver({
      consumer: createIngestPipeline(database, logger),
      maxRequestBytes: config.maxRequestBytes,
      onError: (error) => logger.error({ err: error }, "ingest failed; answered 503"),
    });
    const api = createApiApp({
      checkDatabase: async () => {
        await database.db.execute(sql`SELECT 1`);
      },
    });
    servers.push(await listen(receiver, config.host, config.otlpHttpPort));
    servers.push(await listen(api, config.host, config.apiPort));
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    await database.close();
    throw error;
  }
  const [otlp, api] = servers as [Listening, Listening];
  return {
    database,
    otlpHttpUrl: otlp.url,
    apiUrl: api.url,
    async stop() {
      await Promise.all(servers.map((s) => s.close()));
      await database.close();
    },
  };
}
