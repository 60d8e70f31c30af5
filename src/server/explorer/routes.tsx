/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The pragma in every .tsx here, as well as tsconfig.json: the package runs its TypeScript with
// tsx from the app's folder, where the repository's tsconfig.json is not.
import { createHash } from "node:crypto";
import { Hono, type MiddlewareHandler } from "hono";
import type { Child } from "hono/jsx";
import { type Asset, loadAssets } from "./assets.js";
import { SkillPage, WorkflowPage } from "./detail-pages.js";
import { documentOf, Layout, type PageName } from "./layout.js";
import { ListPage, listFiltersOf } from "./list-page.js";
import { OverviewPage, overviewRangeOf } from "./overview-page.js";

/**
 * Pages render data from spans (any text an app sent): the client only ever sets it as text, and
 * this policy forbids what an injection would need anyway — inline or foreign scripts (but for
 * the one inline script named by its hash), foreign connections (every asset is execlens' own),
 * framing.
 */
function securityHeaders(inlineScript?: string): Readonly<Record<string, string>> {
  const hash =
    inlineScript === undefined
      ? ""
      : ` 'sha256-${createHash("sha256").update(inlineScript).digest("base64")}'`;
  return {
    "content-security-policy":
      `default-src 'none'; script-src 'self'${hash}; style-src 'self'; img-src 'self' data:; connect-src 'self'; ` +
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
}

/**
 * The execution explorer: server-rendered page shells (Hono JSX) and the browser client that
 * fills them from the query API. Pages hold no data, so they need no key; `/api/*` checks it.
 */
export function explorerRoutes(): Hono {
  const assets = loadAssets();
  const moduleOf = (name: string): Asset => {
    const asset = assets.get(name);
    if (asset === undefined) throw new Error(`explorer client: ${name} is missing`);
    return asset;
  };
  /** Starts the workflow page's API request before its modules load (see early.js). */
  const early = new TextDecoder().decode(moduleOf("early.js").body);
  const page = (name: PageName, title: string, module: string, body: Child, inlineScript?: string) =>
    documentOf(
      <Layout page={name} title={title} module={moduleOf(module)} inlineScript={inlineScript}>
        {body}
      </Layout>,
    );
  // On each route rather than `use("*")`: mounted at `/`, that would reach the API's routes too.
  const secured = (inlineScript?: string): MiddlewareHandler => {
    const headers = Object.entries(securityHeaders(inlineScript));
    return async (c, next) => {
      await next();
      for (const [name, value] of headers) c.header(name, value);
    };
  };
  const app = new Hono();
  app.get("/", secured(), (c) =>
    c.html(
      page(
        "executions",
        "Executions",
        "list.js",
        <ListPage filters={listFiltersOf((n) => c.req.query(n))} />,
      ),
    ),
  );
  app.get("/overview", secured(), (c) =>
    c.html(
      page(
        "overview",
        "Overview",
        "overview.js",
        <OverviewPage range={overviewRangeOf(c.req.query("range"))} />,
      ),
    ),
  );
  app.get("/workflow-executions/:executionId", secured(early), (c) =>
    c.html(page("workflow", "Workflow execution", "workflow.js", <WorkflowPage />, early)),
  );
  app.get("/skill-executions/:id", secured(), (c) =>
    c.html(page("skill", "Skill execution", "skill.js", <SkillPage />)),
  );
  app.get("/explorer/:file", secured(), (c) => {
    const asset = assets.get(c.req.param("file"));
    if (asset === undefined) return c.notFound();
    // Revalidated on every load (no-cache) but answered 304 while unchanged: an upgraded
    // execlens is never shown with a stale script.
    c.header("cache-control", "no-cache");
    c.header("etag", asset.etag);
    c.header("vary", "accept-encoding");
    if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304);
    c.header("content-type", asset.type);
    if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      c.header("content-encoding", "gzip");
      return c.body(asset.gzip);
    }
    return c.body(asset.body);
  });
  return app;
}
