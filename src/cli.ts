/**
 * The `execlens` command. Each command loads only what it needs: `--help`, `api-key` and
 * `config print` never load the servers, the database drivers or the OpenTelemetry SDK;
 * `rollups rebuild` loads the store alone.
 */
const EXIT_CONFIG = 2;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    const { helpText } = await import("./config.js");
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  if (argv[0] === "api-key" || argv[0] === "ingest-key") {
    const { newAccessKey } = await import("./model/index.js");
    const organizations = argv.slice(1);
    if (argv[0] === "ingest-key" && organizations.length > 1) {
      process.stderr.write(
        "execlens: an ingest key pins one organisation (or none: `execlens ingest-key`)\n",
      );
      process.exit(EXIT_CONFIG);
    }
    const { key, entry } = newAccessKey(organizations);
    const variable = argv[0] === "api-key" ? "EXECLENS_API_KEYS" : "EXECLENS_INGEST_KEYS";
    process.stdout.write(
      `key (give it to the client; it is not stored): ${key}\n${variable} entry: ${entry}\n`,
    );
    return;
  }
  const { accessOf, ConfigError, databaseTarget, loadConfig, printableConfig } = await import("./config.js");
  const printConfig = argv[0] === "config" && argv[1] === "print";
  const rebuild = argv[0] === "rollups" && argv[1] === "rebuild";
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, printConfig || rebuild ? argv.slice(2) : argv);
  } catch (error) {
    if (error instanceof ConfigError) exitForConfig(error);
    throw error;
  }
  if (printConfig) {
    process.stdout.write(`${JSON.stringify(printableConfig(config), null, 2)}\n`);
    return;
  }
  if (rebuild) {
    const { openDatabase, rebuildRollups } = await import("./store/index.js");
    const database = await openDatabase(databaseTarget(config), {
      preparedStatements: config.preparedStatements,
    });
    try {
      const cells = await rebuildRollups(database.db);
      process.stdout.write(
        `stats rollups rebuilt from the rows: ${cells.skillCells} skill and ${cells.workflowCells} workflow cells\n`,
      );
    } finally {
      await database.close();
    }
    return;
  }
  const { createLogger, startSelfTelemetry } = await import("./self-telemetry.js");
  const telemetry = await startSelfTelemetry(process.env).catch((error: unknown) => {
    if (error instanceof ConfigError) exitForConfig(error);
    throw error;
  });
  const logger = createLogger(config.logLevel);
  const { startApiOnly, startExeclens } = await import("./app.js");
  let execlens: { reloadTls(): void; stop(): Promise<void> };
  const access = accessOf(config);
  const common = { role: config.role, selfTelemetry: telemetry !== undefined, access };
  if (access.api === "open") {
    logger.warn(
      "the query API is open (EXECLENS_ALLOW_OPEN_API): anyone who reaches it reads every execution",
    );
  }
  if (access.ingest === "open") {
    logger.warn(
      "OTLP ingest is open (EXECLENS_ALLOW_OPEN_INGEST): anyone who reaches it writes executions for any organisation",
    );
  }
  // a TLS file that cannot be used is a configuration error too
  const started = <T>(starting: Promise<T>): Promise<T> =>
    starting.catch((error: unknown) => {
      if (error instanceof ConfigError) exitForConfig(error);
      throw error;
    });
  // registered before "ready" is announced: a supervisor may signal as soon as it reads it, and
  // a signal without a handler ends the process at once
  const onSignals = () => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "stopping");
      execlens
        .stop()
        .then(() => telemetry?.shutdown())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, "stop failed");
            process.exit(1);
          },
        );
    };
    process.on("SIGHUP", () => execlens.reloadTls());
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  };
  if (config.role === "api") {
    const apiOnly = await started(startApiOnly(config, logger));
    execlens = apiOnly;
    onSignals();
    logger.info({ ...common, api: apiOnly.apiUrl, database: "postgres (read-only)" }, "execlens is ready");
  } else {
    const all = await started(startExeclens(config, logger));
    execlens = all;
    onSignals();
    logger.info(
      {
        ...common,
        otlpHttp: `${all.otlpHttpUrl}/v1/traces`,
        otlpGrpc: all.otlpGrpcAddress,
        api: all.apiUrl,
        database: all.database.kind === "pglite" ? `pglite:${config.dataDir}` : "postgres",
      },
      "execlens is ready",
    );
  }
}

function exitForConfig(error: Error): never {
  process.stderr.write(`execlens: invalid configuration: ${error.message}\n`);
  process.exit(EXIT_CONFIG);
}

main().catch((error: unknown) => {
  process.stderr.write(`execlens: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
