import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));

describe("the published package", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("installs from its `npm pack` tarball into an empty folder and starts with `npx execlens` on PGlite", async () => {
    const dir = await mkdtemp(join(tmpdir(), "execlens-pack-"));
    dirs.push(dir);
    const { stdout } = await run("npm", ["pack", "--pack-destination", dir, "--silent"], { cwd: root });
    const tarball = join(dir, stdout.trim().split("\n").at(-1) as string);
    const app = join(dir, "app");
    await run("mkdir", ["-p", app]);
    await writeFile(join(app, "package.json"), '{"name":"empty-app","version":"1.0.0","private":true}');
    await run("npm", ["install", "--no-audit", "--no-fund", tarball], { cwd: app, timeout: 240_000 });
    const child = spawn("npx", ["execlens", "--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
      cwd: app,
      env: { ...process.env, EXECLENS_DATA_DIR: join(dir, "data") },
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    try {
      for (let i = 0; i < 300 && !out.includes('"execlens is ready"'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const ready = JSON.parse(out.split("\n").find((l) => l.includes('"execlens is ready"')) as string);
      expect((await fetch(new URL("/readyz", ready.api))).status).toBe(200);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    }
  }, 300_000);
});
