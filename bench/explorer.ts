/**
 * `npm run bench:explorer`: how fast the explorer's workflow page paints a 201-span execution (a
 * workflow of 40 steps, each with a skill making 3 model requests), measured in Debian's
 * chromium through the browser's performance API, against a baseline measured in the same run:
 * the first paint of the API's docs page, a static page served by the same server.
 *
 * execlens runs as its own process, on embedded PGlite (as `npx execlens` does for a first look),
 * then on the local PostgreSQL (EXECLENS_BENCH_ADMIN_URL).
 * Each visit is a fresh browser context (empty cache), as for a first look; the warm figure is a
 * reload in the same context (assets answered 304). SMOKE=1 runs 3 visits instead of 20 and fails
 * only when the page does not show every bar.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../test/helpers/browser.js";
import { spawnExeclens } from "../test/helpers/child-execlens.js";
import { sendWorkflow } from "../test/helpers/explorer-seed.js";
import { freshDatabase } from "./fresh-database.js";

const smoke = process.env.SMOKE === "1";
const VISITS = smoke ? 3 : Number(process.env.VISITS ?? 20);
const TARGET_MS = 300;

/**
 * Installed before the page's scripts: when the client marks `execlens:timeline` (the timeline
 * is in the DOM), the second animation frame after it is the first one painted with it.
 */
const PAINT_PROBE = `
new PerformanceObserver((list) => {
  if (!list.getEntries().some((e) => e.name === "execlens:timeline")) return;
  requestAnimationFrame(() => requestAnimationFrame(() => { globalThis.timelinePainted = performance.now(); }));
}).observe({ type: "mark" });`;

interface Visit {
  readonly firstPaintMs: number;
  readonly timelinePaintedMs?: number;
  readonly bars?: number;
  /** Where a workflow page's time went, from its resource timing (ms since navigation). */
  readonly phases?: Phases;
}

interface Phases {
  readonly modulesLoaded: number;
  readonly detailRequested: number;
  readonly detailFirstByte: number;
  readonly detailReceived: number;
  readonly timelineInDom: number;
}

/** The resource timing of the page's modules and of its detail request, and the client's mark. */
const phasesOf = (page: Page) =>
  page.evaluate((): Phases => {
    const resources = performance.getEntriesByType("resource") as unknown as Array<{
      name: string;
      startTime: number;
      responseStart: number;
      responseEnd: number;
    }>;
    const detail = resources.find((r) => r.name.includes("/api/workflow-executions/"));
    const modules = resources.filter((r) => /\/explorer\/[^/]+\.(js|css)$/.test(r.name));
    return {
      modulesLoaded: Math.max(...modules.map((r) => r.responseEnd)),
      detailRequested: detail?.startTime ?? Number.NaN,
      detailFirstByte: detail?.responseStart ?? Number.NaN,
      detailReceived: detail?.responseEnd ?? Number.NaN,
      timelineInDom: performance.getEntriesByName("execlens:timeline")[0]?.startTime ?? Number.NaN,
    };
  });

// Predicates as functions: a string would be eval'd, which the page's CSP forbids.
const firstContentfulPaint = (page: Page) =>
  page.waitForFunction(
    () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0,
    undefined,
    {
      timeout: 10_000,
    },
  );

async function timelineVisit(page: Page, url: string, reload: boolean): Promise<Visit> {
  if (reload) await page.reload();
  else await page.goto(url);
  const painted = await page.waitForFunction(
    () => (globalThis as { timelinePainted?: number }).timelinePainted,
    undefined,
    { timeout: 20_000 },
  );
  return {
    firstPaintMs: await (await firstContentfulPaint(page)).jsonValue(),
    timelinePaintedMs: await painted.jsonValue(),
    bars: await page.locator("#timeline [data-key]").count(),
    phases: await phasesOf(page),
  };
}

async function visits(browser: Browser, run: (page: Page) => Promise<Visit[]>): Promise<Visit[]> {
  const all: Visit[] = [];
  for (let i = 0; i < VISITS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(PAINT_PROBE);
    all.push(...(await run(await context.newPage())));
    await context.close();
  }
  return all;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const summary = (values: number[]) => ({
  p50: Math.round(quantile(values, 0.5)),
  p95: Math.round(quantile(values, 0.95)),
});

/** One execlens (its own process) on `env`'s database: the 201-span workflow, then every visit. */
async function measure(browser: Browser, env: Record<string, string>) {
  const execlens = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], env);
  try {
    const { otlpHttp, api } = await execlens.ready(60_000);
    const spans = await sendWorkflow(otlpHttp, {
      name: "bench-report",
      executionId: "bench-201",
      startMs: Date.now() - 60_000,
      steps: 40,
      callsPerStep: 3,
      organizationId: "org-bench",
    });
    const workflowUrl = `${api}/workflow-executions/bench-201`;
    const baseline = await visits(browser, async (page) => {
      await page.goto(`${api}/api/docs`);
      return [{ firstPaintMs: await (await firstContentfulPaint(page)).jsonValue() }];
    });
    const cold: Visit[] = [];
    const warm: Visit[] = [];
    await visits(browser, async (page) => {
      cold.push(await timelineVisit(page, workflowUrl, false));
      warm.push(await timelineVisit(page, workflowUrl, true));
      return [];
    });
    const bars = [...cold, ...warm].map((v) => v.bars);
    if (bars.some((b) => b !== spans))
      throw new Error(`the page showed ${bars.join(", ")} bars, not ${spans}`);
    const phase = (name: keyof Phases) => summary(cold.map((v) => v.phases?.[name] ?? Number.NaN)).p50;
    return {
      spans,
      /** p50 of each phase of the first visits, ms since navigation. */
      phases: {
        modulesLoaded: phase("modulesLoaded"),
        detailRequested: phase("detailRequested"),
        detailFirstByte: phase("detailFirstByte"),
        detailReceived: phase("detailReceived"),
        timelineInDom: phase("timelineInDom"),
      },
      baseline: summary(baseline.map((v) => v.firstPaintMs)),
      firstPaint: summary(cold.map((v) => v.firstPaintMs)),
      timeline: summary(cold.map((v) => v.timelinePaintedMs ?? Number.NaN)),
      timelineReload: summary(warm.map((v) => v.timelinePaintedMs ?? Number.NaN)),
    };
  } finally {
    execlens.child.kill("SIGTERM");
    await execlens.exited;
  }
}

/** The machine's 1-minute load average: browser and server share its cores with whatever else runs. */
const load = () => Math.round((loadavg()[0] ?? 0) * 10) / 10;
const loadBefore = load();
const dataDir = await mkdtemp(join(tmpdir(), "execlens-bench-explorer-"));
const browser = await launchChromium();
try {
  const pgliteRun = await measure(browser, { EXECLENS_DATA_DIR: dataDir });
  const postgresRun = await measure(browser, {
    DATABASE_URL: await freshDatabase("execlens_bench_explorer"),
  });
  const table: Record<string, Record<string, number>> = {};
  for (const [database, run] of [
    ["PGlite", pgliteRun],
    ["PostgreSQL", postgresRun],
  ] as const) {
    const ratio = (p50: number) => Math.round((p50 / run.baseline.p50) * 100) / 100;
    for (const [name, s] of [
      ["baseline: /api/docs, first paint", run.baseline],
      ["workflow page, first paint", run.firstPaint],
      ["workflow page, timeline painted", run.timeline],
      ["workflow page, timeline painted (reload)", run.timelineReload],
    ] as const) {
      table[`${database}: ${name}`] = { "p50 ms": s.p50, "p95 ms": s.p95, "p50 / baseline": ratio(s.p50) };
    }
  }
  console.table(table);
  for (const [database, run] of [
    ["PGlite", pgliteRun],
    ["PostgreSQL", postgresRun],
  ] as const) {
    const met = (ms: number) => (ms < TARGET_MS ? "met" : "not met");
    console.log(
      `${database}: ${run.spans} spans, first paint ${run.firstPaint.p50} ms (target < ${TARGET_MS} ms: ${met(run.firstPaint.p50)}), ` +
        `timeline painted ${run.timeline.p50} ms (${met(run.timeline.p50)}), p50`,
    );
  }
  console.table({ PGlite: pgliteRun.phases, PostgreSQL: postgresRun.phases });
  const loadAverage = { before: loadBefore, after: load() };
  console.log(
    `1-minute load average of the machine: ${loadAverage.before} before, ${loadAverage.after} after`,
  );
  console.log(
    JSON.stringify({
      visits: VISITS,
      targetMs: TARGET_MS,
      loadAverage,
      pglite: pgliteRun,
      postgres: postgresRun,
    }),
  );
} finally {
  await browser.close();
  await rm(dataDir, { recursive: true, force: true });
}
