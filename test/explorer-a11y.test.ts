import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { accessibilityViolations, describeInBrowser } from "./helpers/explorer.js";
import { sendWorkflow } from "./helpers/explorer-seed.js";

describeInBrowser("the explorer's accessibility", (fixture) => {
  beforeAll(async () => {
    const { tracesUrl } = fixture().execlens;
    const startMs = Date.now() - 120_000;
    await sendWorkflow(tracesUrl, {
      name: "report",
      executionId: "a11y-ok",
      startMs,
      steps: 3,
      callsPerStep: 2,
    });
    await sendWorkflow(tracesUrl, {
      name: "report",
      executionId: "a11y-failed",
      startMs: startMs + 1000,
      steps: 3,
      callsPerStep: 1,
      failStep: 2,
    });
  });

  /** Each page in the states a user sees, each checked by axe. */
  const visit = async (page: Page) => {
    const url = fixture().execlens.apiUrl;
    const problems: Record<string, string[]> = {};
    const check = async (state: string) => {
      problems[state] = await accessibilityViolations(page);
    };
    await page.goto(`${url}/`);
    await page.locator("#executions tbody tr").first().waitFor();
    await check("workflow list");
    await page.goto(`${url}/?kind=skills`);
    await page.locator("#executions tbody tr").first().waitFor();
    await check("skill list");
    await page.goto(`${url}/workflow-executions/a11y-failed`);
    await page.locator(".kind-skill.failed button").click();
    await page.locator("#details .stack").waitFor();
    await check("workflow page, failed skill picked");
    await page.goto(`${url}/workflow-executions/a11y-ok`);
    await page.locator(".kind-llm button").first().click();
    await page.locator("#details .conversation").waitFor();
    await check("workflow page, model request picked");
    await page.goto(`${url}/overview`);
    await page.locator(".chart").first().waitFor();
    await check("overview");
    return problems;
  };

  for (const colorScheme of ["light", "dark"] as const) {
    it(`passes axe's WCAG 2.1 AA checks in the ${colorScheme} scheme, on a laptop and a phone`, async () => {
      for (const viewport of [
        { width: 1280, height: 800 },
        { width: 390, height: 844 },
      ]) {
        const page = await fixture().browser.newPage({ colorScheme, viewport });
        const problems = await visit(page);
        await page.close();
        for (const [state, violations] of Object.entries(problems)) {
          expect(violations, `${state} at ${viewport.width}px`).toEqual([]);
        }
      }
    });
  }
});
