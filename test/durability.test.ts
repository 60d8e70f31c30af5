import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type ChildExeclens, spawnExeclens } from "./helpers/child-execlens.js";
import { databaseKinds, postgres, type TestDatabase } from "./helpers/databases.js";
import { startTestExeclens } from "./helpers/execlens.js";
import { freePort, ownPostgres } from "./helpers/own-postgres.js";
import { RecordingExporter } from "./helpers/recording-exporter.js";
import { sendAll, traceBodies } from "./helpers/workload.js";

/*
 * The promise: every span that got a success answer is stored exactly once; every span that
 * did not was told to retry. Real exporters (with their own retries) keep sending while the
 * database goes away, execlens is killed, or execlens is stopped.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An app sending one skill span every `everyMs` through the real protobuf exporter and its retries. */
function retryingApp(url: string) {
  const exporter = new RecordingExporter(new OTLPTraceExporter({ url, timeoutMillis: 30_000 }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "durability-app" }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, { scheduledDelayMillis: 100, exportTimeoutMillis: 60_000 }),
    ],
  });
  const tracer = provider.getTracer("durability-app");
  let sent = 0;
  return {
    exporter,
    async run(count: number, everyMs: number) {
      for (let i = 0; i < count; i++) {
        tracer.startSpan("skill", { attributes: { "skill.name": `durable-${i}` } }).end();
        sent++;
        await sleep(everyMs);
      }
      await provider.forceFlush();
      await provider.shutdown();
    },
    get sent() {
      return sent;
    },
  };
}

async function storedSkillNames(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ exec_skill_name: string }>(
      'SELECT exec_skill_name FROM "SkillExecutions"',
    );
    return rows.map((r) => r.exec_skill_name);
  } finally {
    await client.end();
  }
}

function expectStoredExactlyOnce(stored: string[], exporter: RecordingExporter, sent: number): void {
  expect(exporter.failed).toEqual([]);
  const delivered = exporter.delivered.map((s) => s.attributes["skill.name"] as string);
  expect(delivered).toHaveLength(sent);
  expect([...stored].sort()).toEqual([...delivered].sort());
  expect(new Set(stored).size).toBe(stored.length);
}

describe.runIf(databaseKinds.includes(postgres))("durability [postgres]", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  it("outage: the database stops mid-run and comes back; every span is stored exactly once", async () => {
    const server = await ownPostgres();
    cleanups.push(() => server.destroy());
    const execlens = await startTestExeclens({
      name: "postgres",
      create: async (): Promise<TestDatabase> => ({
        target: { databaseUrl: server.url },
        url: server.url,
        drop: async () => undefined,
      }),
    });
    cleanups.push(() => execlens.stop());
    const app = retryingApp(execlens.tracesUrl);
    const running = app.run(60, 50);
    await sleep(1_000);
    await server.stop();
    const ready = await fetch(`${execlens.apiUrl}/readyz`);
    expect(ready.status).toBe(503);
    await sleep(1_500);
    await server.start();
    await running;
    expectStoredExactlyOnce(await storedSkillNames(server.url), app.exporter, app.sent);
  });

  it("crash: execlens is killed with SIGKILL mid-run and started again; nothing acknowledged is lost", async () => {
    const database = await postgres.create();
    cleanups.push(() => database.drop());
    const port = await freePort();
    const args = [`--otlp-http-port=${port}`, "--otlp-grpc-port=0", "--api-port=0"];
    const env = { DATABASE_URL: database.url as string };
    let execlens: ChildExeclens = spawnExeclens(args, env);
    cleanups.push(async () => {
      execlens.child.kill("SIGKILL");
      await execlens.exited;
    });
    await execlens.ready();
    const app = retryingApp(`http://127.0.0.1:${port}/v1/traces`);
    const running = app.run(60, 50);
    await sleep(1_200);
    execlens.child.kill("SIGKILL");
    await execlens.exited;
    await sleep(500);
    execlens = spawnExeclens(args, env);
    await execlens.ready();
    await running;
    expectStoredExactlyOnce(await storedSkillNames(database.url as string), app.exporter, app.sent);
  });

  it("SIGTERM under load: requests in flight are answered, nothing acknowledged is lost, exit code 0", async () => {
    const database = await postgres.create();
    cleanups.push(() => database.drop());
    const execlens = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
      DATABASE_URL: database.url as string,
    });
    cleanups.push(async () => {
      execlens.child.kill("SIGKILL");
      await execlens.exited;
    });
    const { otlpHttp } = await execlens.ready();
    const bodies = await traceBodies(400, 10);
    const load = sendAll(() => otlpHttp, bodies, 16);
    await sleep(1_000);
    expect(load.acknowledged).toBeGreaterThan(0);
    execlens.child.kill("SIGTERM");
    expect(await execlens.exited).toBe(0);
    load.stop();
    const outcome = await load.done;
    const stored = new Set(await storedSkillNames(database.url as string));
    const acknowledgedNames = outcome.acknowledged.flatMap((body) => body.names);
    expect(acknowledgedNames.length).toBeGreaterThan(0);
    for (const name of acknowledgedNames) expect(stored.has(name), name).toBe(true);
    expect(execlens.output().stdout).toContain('"stopping"');
  });
});
