import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DATA_DIR_LOCK_FILE, lockDataDir } from "../src/store/data-dir-lock.js";
import { openDatabase } from "../src/store/index.js";
import { type ChildExeclens, spawnExeclens } from "./helpers/child-execlens.js";

/*
 * PGlite writes the same fake pid into every data dir's postmaster.pid, so nothing stopped a
 * second execlens (or `execlens rollups rebuild`) from opening the files a running one writes.
 */

const PORTS = ["--otlp-http-port=0", "--otlp-grpc-port=off", "--api-port=0"];
const dirs: string[] = [];
const children: ChildExeclens[] = [];

afterEach(async () => {
  for (const execlens of children.splice(0)) {
    execlens.child.kill("SIGKILL");
    await execlens.exited;
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "execlens-lock-"));
  dirs.push(dir);
  return dir;
}

function execlensOn(dir: string, args = PORTS): ChildExeclens {
  const execlens = spawnExeclens(args, { EXECLENS_DATA_DIR: dir });
  children.push(execlens);
  return execlens;
}

const workflowCount = async (api: string) =>
  ((await (await fetch(`${api}/api/workflow-executions?limit=100`)).json()) as { items: unknown[] }).items
    .length;

async function sendWorkflow(otlpHttp: string, name: string): Promise<void> {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "lock-test" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: "5b8efff798038103d269b633813fc60c",
                spanId: "eee19b7ec3c1b174",
                name,
                kind: 1,
                startTimeUnixNano: "1767225600000000000",
                endTimeUnixNano: "1767225601000000000",
                attributes: [{ key: "workflow.name", value: { stringValue: name } }],
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await fetch(otlpHttp, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

describe("the PGlite data dir is one execlens's at a time", () => {
  it("a second execlens on a running one's data dir refuses to start, saying which process has it", async () => {
    const dir = await dataDir();
    const first = execlensOn(dir);
    const { otlpHttp, api } = await first.ready(60_000);
    await sendWorkflow(otlpHttp, "held");
    const second = execlensOn(dir);
    expect(await second.exited).not.toBe(0);
    expect(second.output().stderr).toContain(
      `the data dir ${dir} is in use by another execlens (pid ${first.child.pid})`,
    );
    const rebuild = execlensOn(dir, ["rollups", "rebuild"]);
    expect(await rebuild.exited).not.toBe(0);
    expect(rebuild.output().stderr).toContain("is in use by another execlens");
    expect(await workflowCount(api)).toBe(1);
  });

  it("after a crash (SIGKILL) the next execlens takes the data dir over, with what was stored", async () => {
    const dir = await dataDir();
    const first = execlensOn(dir);
    const { otlpHttp } = await first.ready(60_000);
    await sendWorkflow(otlpHttp, "before the crash");
    first.child.kill("SIGKILL");
    await first.exited;
    expect(readFileSync(join(dir, DATA_DIR_LOCK_FILE), "utf8").trim()).toBe(String(first.child.pid));
    const next = execlensOn(dir);
    const { api } = await next.ready(60_000);
    expect(await workflowCount(api)).toBe(1);
    next.child.kill("SIGTERM");
    expect(await next.exited).toBe(0);
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
  });

  it("lockDataDir: takes over a lock of a process that is gone or of its own pid, refuses a running one's", async () => {
    const dir = await dataDir();
    const lock = join(dir, DATA_DIR_LOCK_FILE);
    const gone = spawnSync("true").pid as number;
    writeFileSync(lock, `${gone}\n`);
    const release = lockDataDir(dir);
    expect(readFileSync(lock, "utf8").trim()).toBe(String(process.pid));
    // its own pid (a container's pid 1 after a restart) is a stale lock too
    expect(lockDataDir(dir)).toBeTypeOf("function");
    release();
    expect(existsSync(lock)).toBe(false);
    writeFileSync(lock, `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(`is in use by another execlens (pid ${process.ppid})`);
  });

  it("a damaged data dir stops start-up with an error naming it and what to do", async () => {
    const dir = await dataDir();
    const handle = await openDatabase({ dataDir: dir });
    await handle.close();
    writeFileSync(join(dir, "global", "pg_control"), Buffer.alloc(8192));
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
      `PGlite could not start on the data dir ${dir}`,
    );
    // the lock is given back: a restored data dir starts without removing anything by hand
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
  });
});
