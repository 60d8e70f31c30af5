import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe } from "vitest";
import type { Config } from "../../src/config.js";
import { type Browser, chromiumMissing, launchChromium } from "./browser.js";
import { pglite } from "./databases.js";
import { startTestExeclens, type TestExeclens } from "./execlens.js";

/** How long a test waits for the page to show something: the suite may share 2 cores with others. */
export const PATIENCE = { timeout: 15_000 };

/** The timeline order the page must show: by start (µs kept), the enclosing kind first on a tie. */
export function startOrder(detail: {
  steps: Array<{ wstpId: string; startedAt: string }>;
  skills: Array<{ execId: string; startedAt: string }>;
  llmCalls?: Array<{ spanId: string; startedAt: string }>;
}): string[] {
  const micros = (iso: string) => {
    const [whole, fraction = ""] = iso.replace(/Z$/, "").split(".");
    return Date.parse(`${whole}Z`) * 1000 + Number(fraction.padEnd(6, "0").slice(0, 6));
  };
  const entries = [
    ...detail.steps.map((s) => ({ key: `step:${s.wstpId}`, at: micros(s.startedAt), rank: 1 })),
    ...detail.skills.map((s) => ({ key: `skill:${s.execId}`, at: micros(s.startedAt), rank: 2 })),
    ...(detail.llmCalls ?? []).map((c) => ({ key: `llm:${c.spanId}`, at: micros(c.startedAt), rank: 3 })),
  ];
  return entries.sort((a, b) => a.at - b.at || a.rank - b.rank).map((e) => e.key);
}

/** The data-key of each bar the timeline shows, top to bottom (the workflow's own bar first). */
export function barKeys(page: Page): Promise<string[]> {
  return page.$$eval("#timeline [data-key]", (buttons) =>
    buttons.map((b) => b.getAttribute("data-key") ?? ""),
  );
}

export interface ExplorerFixture {
  readonly execlens: TestExeclens;
  readonly browser: Browser;
}

/**
 * A browser test suite: an execlens on PGlite (the explorer reads the API, tested on both
 * databases elsewhere) and Debian's chromium. Without chromium the suite is skipped locally and
 * fails under CI=true.
 */
export function describeInBrowser(
  title: string,
  body: (fixture: () => ExplorerFixture) => void,
  overrides: Partial<Config> = {},
): void {
  const missing = chromiumMissing();
  const run = missing === undefined || process.env.CI === "true";
  if (!run) console.warn(`browser tests skipped: ${missing}`);
  describe.runIf(run)(title, () => {
    let fixture: ExplorerFixture | undefined;
    beforeAll(async () => {
      if (missing !== undefined) throw new Error(`the browser tests need chromium: ${missing}`);
      const [execlens, browser] = await Promise.all([startTestExeclens(pglite, overrides), launchChromium()]);
      fixture = { execlens, browser };
    });
    afterAll(async () => {
      await fixture?.browser.close();
      await fixture?.execlens.stop();
    });
    body(() => {
      if (fixture === undefined) throw new Error("the browser suite did not start");
      return fixture;
    });
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's WCAG 2.1 A and AA checks (contrast, labels, roles, names) on the page as it is now;
 * each violation as `rule: element, element`. axe is evaluated over the DevTools protocol, which
 * the page's CSP does not restrict.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(`axe
    .run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] })
    .then((r) => r.violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
}
