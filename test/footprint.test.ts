import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/store/index.js";
import { spawnExeclens } from "./helpers/child-execlens.js";
import { databaseKinds, pglite, postgres, type TestDatabase } from "./helpers/databases.js";
import { startTestExeclens } from "./helpers/execlens.js";

const moduleLog = fileURLToPath(new URL("./helpers/module-log.mjs", import.meta.url));

/** Starts `bin/execlens` with the module log preloaded, waits until ready, stops it: the URLs it resolved. */
async function modulesLoaded(args: string[], env: Record<string, string>): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "execlens-modules-"));
  const log = join(dir, "modules.log");
  try {
    const execlens = spawnExeclens(["--otlp-http-port=0", "--api-port=0", ...args], {
      NODE_OPTIONS: `--import=${moduleLog}`,
      EXECLENS_MODULE_LOG: log,
      EXECLENS_DATA_DIR: join(dir, "data"),
      ...env,
    });
    try {
      await execlens.ready(60_000);
    } finally {
      execlens.child.kill("SIGTERM");
      await execlens.exited;
    }
    return (await readFile(log, "utf8")).split("\n").filter((line) => line !== "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const from = (modules: string[], pkg: string) =>
  modules.filter((url) => url.includes(`/node_modules/${pkg}/`));

describe("what the execlens command loads", () => {
  it("on embedded PGlite: PGlite, and neither pg, nor the OpenTelemetry SDK, nor gRPC when its port is off", async () => {
    const modules = await modulesLoaded(["--otlp-grpc-port=off"], {});
    expect(from(modules, "@electric-sql/pglite")).not.toEqual([]);
    expect(from(modules, "pg")).toEqual([]);
    expect(from(modules, "@opentelemetry/sdk-node")).toEqual([]);
    expect(from(modules, "@grpc/grpc-js")).toEqual([]);
  }, 90_000);

  it("loads gRPC when its port is on", async () => {
    const modules = await modulesLoaded(["--otlp-grpc-port=0"], {});
    expect(from(modules, "@grpc/grpc-js")).not.toEqual([]);
  }, 90_000);

  describe.runIf(databaseKinds.includes(postgres))("with DATABASE_URL", () => {
    let database: TestDatabase | undefined;
    afterAll(async () => {
      await database?.drop();
    });

    it("never loads PGlite", async () => {
      database = await postgres.create();
      const modules = await modulesLoaded(["--otlp-grpc-port=0"], { DATABASE_URL: database.url as string });
      expect(from(modules, "pg")).not.toEqual([]);
      expect(from(modules, "@electric-sql/pglite")).toEqual([]);
      expect(modules.filter((url) => url.includes("drizzle-orm/pglite"))).toEqual([]);
    }, 90_000);
  });
});

describe("the settings that change the footprint", () => {
  it("reads PostgreSQL settings for PGlite as name=value pairs, and names the variable when one is not", () => {
    expect(
      loadConfig({ EXECLENS_PGLITE_SETTINGS: "shared_buffers=32MB, work_mem=2MB" }, []).pgliteSettings,
    ).toEqual({
      shared_buffers: "32MB",
      work_mem: "2MB",
    });
    expect(() => loadConfig({ EXECLENS_PGLITE_SETTINGS: "shared_buffers" }, [])).toThrow(
      /EXECLENS_PGLITE_SETTINGS: each setting must be name=value/,
    );
    // the pair at fault, then the whole value, each named once
    expect(() => loadConfig({ EXECLENS_PGLITE_SETTINGS: "work_mem=2MB,shared_buffers" }, [])).toThrow(
      /^EXECLENS_PGLITE_SETTINGS: each setting must be name=value, and "shared_buffers" is not \(got "work_mem=2MB,shared_buffers"\)$/,
    );
    expect(() => loadConfig({ EXECLENS_PGLITE_SETTINGS: "Shared Buffers=1" }, [])).toThrow(
      /EXECLENS_PGLITE_SETTINGS: "Shared Buffers" is not a PostgreSQL setting name/,
    );
  });

  it("turns the gRPC receiver off with `off`, and names the variable for anything else", () => {
    expect(loadConfig({ EXECLENS_OTLP_GRPC_PORT: "off" }, []).otlpGrpcPort).toBe("off");
    expect(loadConfig({}, []).otlpGrpcPort).toBe(4317);
    expect(() => loadConfig({ EXECLENS_OTLP_GRPC_PORT: "none" }, [])).toThrow(/EXECLENS_OTLP_GRPC_PORT/);
  });

  it("starts PGlite with its small defaults, each overridable by name", async () => {
    const handle = await openDatabase({ memory: true }, { pgliteSettings: { work_mem: "2MB" } });
    try {
      const show = async (name: string) => {
        const result = (await handle.db.execute(
          sql`SELECT current_setting(${name}) AS setting`,
        )) as unknown as {
          rows: Array<{ setting: string }>;
        };
        return result.rows[0]?.setting;
      };
      expect(await show("shared_buffers")).toBe("16MB");
      expect(await show("max_connections")).toBe("10");
      expect(await show("work_mem")).toBe("2MB");
    } finally {
      await handle.close();
    }
  });

  it("answers without a gRPC receiver when its port is off", async () => {
    const execlens = await startTestExeclens(pglite, { otlpGrpcPort: "off" });
    try {
      expect(execlens.otlpGrpcAddress).toBeUndefined();
      expect((await fetch(`${execlens.apiUrl}/readyz`)).status).toBe(200);
    } finally {
      await execlens.stop();
    }
  });
});
