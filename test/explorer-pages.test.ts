import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { loadAssets } from "../src/server/explorer/assets.js";
import { pglite } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";

const run = promisify(execFile);

describe("the explorer's pages and assets", () => {
  let on: TestExeclens;
  let off: TestExeclens;
  beforeAll(async () => {
    [on, off] = await Promise.all([
      startTestExeclens(pglite),
      startTestExeclens(pglite, { explorer: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([on?.stop(), off?.stop()]);
  });

  it("serves each page without a key, as a shell with no data, under a CSP of its own scripts only", async () => {
    for (const path of [
      "/",
      "/?kind=skills&status=failed",
      "/overview",
      "/workflow-executions/x",
      "/skill-executions/y",
    ]) {
      const response = await fetch(`${on.apiUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src 'self'[ ;]/);
      const html = await response.text();
      expect(html).toMatch(/^<!doctype html><html lang="en">/);
      expect(html).toContain('<dialog id="key-dialog"');
      // the only inline script: the workflow page's early request, allowed by its hash alone
      const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
      expect(inline).toHaveLength(path.startsWith("/workflow-executions/") ? 1 : 0);
      for (const script of inline) {
        expect(csp).toContain(`'sha256-${createHash("sha256").update(script).digest("base64")}'`);
        expect(script).toContain("/api/workflow-executions/");
      }
      expect(csp).not.toContain("unsafe-inline");
    }
  });

  it("keeps the list's filters in its form, escaped", async () => {
    const html = await (await fetch(`${on.apiUrl}/?status=failed&user_id=%22%3E%3Cb%3E`)).text();
    expect(html).toContain('<option value="failed" selected="">failed</option>');
    expect(html).toContain('value="&quot;&gt;&lt;b&gt;"');
  });

  it("preloads every module a page imports, and serves assets gzipped with an ETag", async () => {
    const html = await (await fetch(`${on.apiUrl}/workflow-executions/x`)).text();
    const assets = loadAssets();
    const workflow = assets.get("workflow.js");
    expect(workflow?.imports).toEqual(
      expect.arrayContaining(["api.js", "timeline.js", "details.js", "json-view.js"]),
    );
    for (const name of workflow?.imports ?? [])
      expect(html).toContain(`<link rel="modulepreload" href="/explorer/${name}"/>`);

    const response = await fetch(`${on.apiUrl}/explorer/workflow.js`, {
      headers: { "accept-encoding": "gzip" },
    });
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const etag = response.headers.get("etag") as string;
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(workflow?.body ?? []))).toBe(true);
    expect(gunzipSync(workflow?.gzip ?? new Uint8Array()).equals(Buffer.from(workflow?.body ?? []))).toBe(
      true,
    );
    const again = await fetch(`${on.apiUrl}/explorer/workflow.js`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect((await fetch(`${on.apiUrl}/explorer/tsconfig.json`)).status).toBe(404);
  });

  it("keeps the size of the client small", () => {
    const total = [...loadAssets().values()].reduce((sum, a) => sum + a.gzip.byteLength, 0);
    expect(total).toBeLessThan(40_000);
  });

  it("with EXECLENS_EXPLORER=false serves no page, and the API as before", async () => {
    expect((await fetch(`${off.apiUrl}/`)).status).toBe(404);
    expect((await fetch(`${off.apiUrl}/explorer/list.js`)).status).toBe(404);
    expect((await fetch(`${off.apiUrl}/api/workflow-executions`)).status).toBe(200);
    expect((await fetch(`${on.apiUrl}/api/workflow-executions`)).status).toBe(200);
  });

  it("renders its pages as the published package runs them: compiled JavaScript, plain node, another folder", async () => {
    // dist/ is what `npm run build` (run before the tests) emits and the package ships
    const script = `
      const { explorerRoutes } = await import(${JSON.stringify(new URL("../dist/server/explorer/index.js", import.meta.url).href)});
      const response = await explorerRoutes().request("/workflow-executions/x");
      process.stdout.write(response.status + " " + (await response.text()).slice(0, 15));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: tmpdir() });
    expect(stdout).toBe("200 <!doctype html>");
  });

  it("reads the setting as true or false", () => {
    expect(loadConfig({}, []).explorer).toBe(true);
    expect(loadConfig({ EXECLENS_EXPLORER: "false" }, []).explorer).toBe(false);
    expect(loadConfig({}, ["--explorer=false"]).explorer).toBe(false);
    expect(() => loadConfig({ EXECLENS_EXPLORER: "no" }, [])).toThrow(
      'EXECLENS_EXPLORER: must be true or false (got "no")',
    );
  });
});
