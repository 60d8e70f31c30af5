import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { configurationTable } from "../src/config.js";
import { openDatabase } from "../src/store/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const running: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "execlens-cli-"));
  dirs.push(dir);
  return dir;
}

function start(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, detached: true });
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = (deadlineMs: number) =>
    new Promise<{ otlpHttp: string; api: string }>((resolve, reject) => {
      const timer = setInterval(() => {
        const line = stdout.split("\n").find((l) => l.includes('"execlens is ready"'));
        if (line !== undefined) {
          clearInterval(timer);
          resolve(JSON.parse(line));
        }
      }, 50);
      setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`not ready within ${deadlineMs} ms; stderr: ${stderr}`));
      }, deadlineMs);
    });
  return { child, exited, ready, output: () => ({ stdout, stderr }) };
}

describe("the execlens command", () => {
  // how fast it starts is measured by bench:footprint; here only that it does, however loaded the machine
  it("`npm start` brings execlens up on embedded PGlite", async () => {
    const app = start("npm", ["start", "--silent", "--", "--otlp-http-port", "0", "--api-port", "0"], {
      EXECLENS_DATA_DIR: await dataDir(),
    });
    const urls = await app.ready(60_000);
    const ready = await fetch(new URL("/readyz", urls.api));
    expect(ready.status).toBe(200);
    const ingest = await fetch(urls.otlpHttp, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(ingest.status).toBe(200);
  });

  it("stops cleanly with exit code 0 on SIGTERM", async () => {
    const app = start("bin/execlens", ["--otlp-http-port", "0", "--api-port", "0"], {
      EXECLENS_DATA_DIR: await dataDir(),
    });
    // a fresh data dir: initdb takes most of the start (README "Footprint")
    await app.ready(20_000);
    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
  });

  it("exits 2 with one line naming the invalid variable", async () => {
    const app = start("bin/execlens", [], { EXECLENS_OTLP_HTTP_PORT: "http" });
    expect(await app.exited).toBe(2);
    const { stderr } = app.output();
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("EXECLENS_OTLP_HTTP_PORT");
  });

  it("exits 2 naming DATABASE_URL when it is not a PostgreSQL URL", async () => {
    const app = start("bin/execlens", [], { DATABASE_URL: "mysql://localhost/db" });
    expect(await app.exited).toBe(2);
    expect(app.output().stderr).toMatch(/^execlens: invalid configuration: DATABASE_URL: must be a postgres/);
  });

  it("prints its options with --help", async () => {
    const app = start("bin/execlens", ["--help"], {});
    expect(await app.exited).toBe(0);
    for (const name of [
      "DATABASE_URL",
      "EXECLENS_DATA_DIR",
      "EXECLENS_HOST",
      "EXECLENS_OTLP_HTTP_PORT",
      "EXECLENS_API_PORT",
    ]) {
      expect(app.output().stdout).toContain(name);
    }
  });
});

describe("the README", () => {
  it("holds the configuration table the settings make (every variable, flag and default)", async () => {
    const { readFile } = await import("node:fs/promises");
    const readme = await readFile(`${root}README.md`, "utf8");
    expect(readme).toContain(configurationTable());
    const app = start("bin/execlens", ["--help"], {});
    await app.exited;
    const variables = [...app.output().stdout.matchAll(/\b(DATABASE_URL|EXECLENS_[A-Z_]+)\b/g)].map(
      (m) => m[1],
    );
    expect(variables.length).toBeGreaterThan(15);
    for (const variable of variables) expect(readme, variable).toContain(`| \`${variable}\``);
  });
});

describe("execlens config print", () => {
  it("prints the effective configuration with secrets masked", async () => {
    const hash = "a".repeat(64);
    const app = start("bin/execlens", ["config", "print", "--api-port", "9000"], {
      DATABASE_URL: "postgres://execlens:s3cret@db.internal:5432/execlens",
      EXECLENS_API_KEYS: `sha256:${hash}=org-a`,
      EXECLENS_FORWARD_OTLP_ENDPOINT: "http://collector.internal:4318",
      EXECLENS_FORWARD_HEADERS: "Authorization=Bearer%20t0ken,x-scope-orgid=tenant-1",
    });
    expect(await app.exited).toBe(0);
    const { stdout } = app.output();
    const printed = JSON.parse(stdout);
    expect(printed).toMatchObject({
      apiPort: 9000,
      otlpHttpPort: 4318,
      databaseUrl: "postgres://execlens:***@db.internal:5432/execlens",
      apiKeys: [{ sha256: "***", organizations: ["org-a"] }],
      forwardOtlpEndpoint: "http://collector.internal:4318/v1/traces",
      forwardHeaders: { authorization: "***", "x-scope-orgid": "***" },
    });
    expect(stdout).not.toContain("s3cret");
    expect(stdout).not.toContain("t0ken");
    expect(stdout).not.toContain(hash);
  });
});

describe("execlens rollups rebuild", () => {
  it("rebuilds the stats rollups of the configured database from its rows", async () => {
    const dir = await dataDir();
    const database = await openDatabase({ dataDir: dir });
    await database.db.execute(sql`
      INSERT INTO "SkillExecutions" (exec_id, exec_skill_name, exec_status, exec_started_at, exec_duration_ms)
      VALUES (gen_random_uuid(), 'search', 'completed', '2026-01-05T10:20:00Z', 42)`);
    await database.db.execute(sql`DELETE FROM "SkillRollups"`);
    await database.close();
    const app = start("bin/execlens", ["rollups", "rebuild"], { EXECLENS_DATA_DIR: dir });
    expect(await app.exited).toBe(0);
    // the hour, quarter day, day and week of the one row
    expect(app.output().stdout).toContain("4 skill and 0 workflow cells");
  });
});

describe("the configuration file", () => {
  it("is read from EXECLENS_CONFIG below flags and variables", async () => {
    const dir = await dataDir();
    const file = join(dir, "execlens.yml");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      file,
      "apiPort: 9100\notlpHttpPort: 9101\nlogLevel: warn\napiKeys:\n  - sha256:" +
        "b".repeat(64) +
        "=org-a\n",
    );
    const app = start("bin/execlens", ["config", "print", "--otlp-http-port", "9200"], {
      EXECLENS_CONFIG: file,
      EXECLENS_LOG_LEVEL: "debug",
    });
    expect(await app.exited).toBe(0);
    expect(JSON.parse(app.output().stdout)).toMatchObject({
      apiPort: 9100,
      otlpHttpPort: 9200,
      logLevel: "debug",
      apiKeys: [{ organizations: ["org-a"] }],
    });
  });

  it("fails start-up naming the file and the key", async () => {
    const dir = await dataDir();
    const { writeFile } = await import("node:fs/promises");
    const unknown = join(dir, "unknown.yml");
    await writeFile(unknown, "apiPorts: 1\n");
    const first = start("bin/execlens", [], { EXECLENS_CONFIG: unknown });
    expect(await first.exited).toBe(2);
    expect(first.output().stderr).toContain(`${unknown}: apiPorts: unknown setting`);
    const invalid = join(dir, "invalid.yml");
    await writeFile(invalid, "sweepIntervalMs: soon\nforwardHeaders:\n  authorization: Bearer x\n");
    const second = start("bin/execlens", ["--config", invalid], {});
    expect(await second.exited).toBe(2);
    expect(second.output().stderr).toContain(`${invalid}: sweepIntervalMs`);
  });
});
