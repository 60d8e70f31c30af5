import { pino } from "pino";
import { type Execlens, startExeclens } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config.js";
import type { DatabaseKind, TestDatabase } from "./databases.js";
import { useStarted } from "./fixture.js";

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
    ...loadConfig({}, ["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0", "--log-level=silent"]),
    databaseUrl: "databaseUrl" in target ? target.databaseUrl : undefined,
    dataDir: "dataDir" in target ? target.dataDir : "",
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

/**
 * A real execlens for the enclosing describe(): started before its tests, stopped (and its
 * database dropped) after them. Reading it before it has started is an error.
 */
export function useExeclens(kind: DatabaseKind, overrides: Partial<Config> = {}): TestExeclens {
  return useStarted(
    "execlens",
    () => startTestExeclens(kind, overrides),
    (execlens) => execlens.stop(),
  );
}
