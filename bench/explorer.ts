/**
 * `npm run bench:explorer`: how fast the explorer's workflow page paints a 201-span execution (a
 * workflow of 40 steps, each with a skill making 3 model requests), measured in Debian's
 * chromium through the browser's performance API, against a baseline measured in the same run:
 * the first paint of the API's docs page, a static page served by the same server.
 *
 * execlens runs as `npx execlens` does for a first look: its own process, on embedded PGlite.
 * Each visit is a fresh browser context (empty cache), as for a first look; the warm figure is a
 * reload in the same context (assets answered 304). SMOKE=1 runs 3 visits instead of 20 and fails
 * only when the page does not show every bar.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../test/helpers/browser.js";
import { spawnExeclens } from "../test/helpers/child-execlens.js";
import { sendWorkflow } from "../test/helpers/explorer-seed.js";

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
}

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

const dataDir = await mkdtemp(join(tmpdir(), "execlens-bench-explorer-"));
const execlens = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
  EXECLENS_DATA_DIR: dataDir,
});
let browser: Browser | undefined;
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
  browser = await launchChromium();
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
  if (bars.some((b) => b !== spans)) throw new Error(`the page showed ${bars.join(", ")} bars, not ${spans}`);

  const base = summary(baseline.map((v) => v.firstPaintMs));
  const rows = {
    "baseline: /api/docs, first paint": base,
    "workflow page, first paint": summary(cold.map((v) => v.firstPaintMs)),
    "workflow page, timeline painted": summary(cold.map((v) => v.timelinePaintedMs ?? Number.NaN)),
    "workflow page, timeline painted (reload)": summary(warm.map((v) => v.timelinePaintedMs ?? Number.NaN)),
  };
  const timeline = rows["workflow page, timeline painted"];
  console.table(
    Object.fromEntries(
      Object.entries(rows).map(([name, s]) => [
        name,
        { "p50 ms": s.p50, "p95 ms": s.p95, "p50 / baseline": Math.round((s.p50 / base.p50) * 100) / 100 },
      ]),
    ),
  );
  console.log(
    `timeline of ${spans} spans painted in ${timeline.p50} ms (p50), target < ${TARGET_MS} ms: ${timeline.p50 < TARGET_MS ? "met" : "not met"}`,
  );
  console.log(JSON.stringify({ spans, visits: VISITS, targetMs: TARGET_MS, ...rows }));
} finally {
  await browser?.close();
  execlens.child.kill("SIGTERM");
  await execlens.exited;
  await rm(dataDir, { recursive: true, force: true });
}
