/**
 * `npm run docs:screenshots`: the explorer's screenshots in docs/, from an execlens seeded with a
 * day of workflows (execlens on PGlite in a temporary folder, Debian's chromium).
 *
 *   explorer-list.png, explorer-list-dark.png          the executions list
 *   explorer-workflow.png, explorer-workflow-dark.png  a failed workflow, its failed skill picked
 *   explorer-conversation.png                          a model request's conversation
 *   explorer-overview.png                              the overview of the last 24 hours
 *   explorer-phone.png                                 the workflow page on a phone
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import type { Browser } from "playwright-core";
import { startExeclens } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { launchChromium } from "../test/helpers/browser.js";
import { type SeedWorkflow, seedSpans, sendSpans, sendWorkflow } from "../test/helpers/explorer-seed.js";

const out = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
const HOUR = 3_600_000;

/** A day of three workflows, mostly completed, some failed or timed out; the last one still running. */
function day(now: number): SeedWorkflow[] {
  const names = ["quarterly-report", "support-triage", "onboarding-email"];
  return Array.from({ length: 30 }, (_, i) => ({
    name: names[i % 3] as string,
    executionId: `run-${String(30 - i).padStart(4, "0")}`,
    startMs: now - (23.5 - i * 0.78) * HOUR,
    steps: 2 + (i % 4),
    callsPerStep: 1 + (i % 3),
    organizationId: "acme",
    userId: `user-${(i % 5) + 1}`,
    sessionId: `session-${i % 7}`,
    model: i % 3 === 1 ? "gpt-4o" : "gpt-4o-mini",
    ...(i % 7 === 3 ? { failStep: 2 } : {}),
    ...(i % 11 === 5 ? { failStep: 1, failure: "timeout" as const } : {}),
  }));
}

async function shoot(browser: Browser, apiUrl: string): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    const suffix = colorScheme === "dark" ? "-dark" : "";
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
    await page.goto(`${apiUrl}/`);
    await page.locator("#executions tbody tr").nth(10).waitFor();
    await page.screenshot({ path: out(`explorer-list${suffix}.png`) });

    await page.goto(`${apiUrl}/workflow-executions/run-0027`);
    await page.locator(".kind-skill.failed button").click();
    await page.locator("#details .stack").waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: out(`explorer-workflow${suffix}.png`) });
    await page.close();
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${apiUrl}/workflow-executions/run-0029`);
  await page.locator(".kind-llm button").nth(1).click();
  await page.locator("#details .conversation").waitFor();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: out("explorer-conversation.png") });
  await page.goto(`${apiUrl}/overview`);
  await page.locator(".chart").first().waitFor();
  await page.screenshot({ path: out("explorer-overview.png"), fullPage: true });
  await page.close();

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await phone.goto(`${apiUrl}/workflow-executions/run-0027`);
  await phone.locator("#timeline [data-key]").first().waitFor();
  await phone.screenshot({ path: out("explorer-phone.png") });
  await phone.close();
}

const dataDir = await mkdtemp(join(tmpdir(), "execlens-screenshots-"));
const config = loadConfig({ EXECLENS_DATA_DIR: dataDir }, [
  "--otlp-http-port=0",
  "--otlp-grpc-port=0",
  "--api-port=0",
  "--log-level=silent",
]);
const execlens = await startExeclens(config, pino({ level: "silent" }));
let browser: Browser | undefined;
try {
  const tracesUrl = `${execlens.otlpHttpUrl}/v1/traces`;
  const now = Date.now();
  const workflows = day(now);
  for (const workflow of workflows.slice(0, -1)) await sendWorkflow(tracesUrl, workflow);
  // the newest one is still running: its steps so far, not its own span
  const running = seedSpans({ ...(workflows.at(-1) as SeedWorkflow), startMs: now - 20_000 });
  await sendSpans(tracesUrl, running.children.slice(0, 5));
  browser = await launchChromium();
  await shoot(browser, execlens.apiUrl);
  console.log("docs/explorer-*.png written");
} finally {
  await browser?.close();
  await execlens.stop();
  await rm(dataDir, { recursive: true, force: true });
}
