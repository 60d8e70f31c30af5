import { pino } from "pino";
import { type Execlens, startExeclens } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import type { DatabaseKind, TestDatabase } from "./databases.js";

export interface TestExeclens extends Execlens {
  readonly testDatabase: TestDatabase;
  readonly tracesUrl: string;
}

/** A real execlens on free loopback ports, on a fresh database of the given kind. */
export async function startTestExeclens(
  kind: DatabaseKind,
  overrides: Partial<Config> = {},
): Promise<TestExeclens> {
  const testDatabase = await kind.create();
  const target = testDatabase.target;
  const config: Config = {
    databaseUrl: "databaseUrl" in target ? target.databaseUrl : undefined,
    dataDir: "dataDir" in target ? target.dataDir : "",
    host: "127.0.0.1",
    otlpHttpPort: 0,
    apiPort: 0,
    maxRequestBytes: 16 * 1024 * 1024,
    logLevel: "silent",
    ...overrides,
  };
  const execlens = await startExeclens(config, pino({ level: "silent" }));
  return {
    ...execlens,
    testDatabase,
    tracesUrl: `${execlens.otlpHttpUrl}/v1/traces`,
    async stop() {
      await execlens.stop();
      await testDatabase.drop();
    },
  };
}
