import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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

  it("ships compiled JavaScript and its assets, no sources, tests or schema snapshots", async () => {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root });
    const files =
      (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? [];
    expect(files).toContain("bin/execlens");
    expect(files).toContain("dist/cli.js");
    expect(files).toContain("dist/store/migrations/meta/_journal.json");
    expect(files).toContain("dist/server/explorer/client/explorer.css");
    expect(
      files.filter((f) => /^src\/|^test\/|\.test\.|_snapshot\.json$|\.ts$/.test(f) && !f.endsWith(".d.ts")),
    ).toEqual([]);
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
    // plain node: no TypeScript loader comes with it
    expect(existsSync(join(app, "node_modules", "tsx"))).toBe(false);
    // one version of each OpenTelemetry package execlens depends on
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const { stdout: tree } = await run("npm", ["ls", "--all", "--json"], {
      cwd: app,
      maxBuffer: 64 * 1024 * 1024,
    });
    const versions = new Map<string, Set<string>>();
    const walk = (deps: Record<string, { version?: string; dependencies?: object }> | undefined) => {
      for (const [name, node] of Object.entries(deps ?? {})) {
        if (node.version !== undefined)
          versions.set(name, (versions.get(name) ?? new Set()).add(node.version));
        walk(node.dependencies as Record<string, { version?: string; dependencies?: object }> | undefined);
      }
    };
    walk(
      (JSON.parse(tree) as { dependencies: Record<string, { version?: string; dependencies?: object }> })
        .dependencies,
    );
    for (const name of Object.keys(manifest.dependencies).filter((n) => n.startsWith("@opentelemetry/"))) {
      expect([...(versions.get(name) ?? [])], name).toHaveLength(1);
    }
    const child = spawn("npx", ["execlens", "--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
      cwd: app,
      env: { ...process.env, EXECLENS_DATA_DIR: join(dir, "data") },
      detached: true,
    });
    // npx's exit comes after execlens's (same process group): by then PGlite has closed its data folder
    const exited = new Promise((resolve) => child.on("close", resolve));
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
      // the folder is removed after the tests: not while execlens still writes to it
      await exited;
    }
  }, 300_000);
});
