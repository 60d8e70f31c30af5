import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { newAccessKey, parseAccessKeys } from "../src/model/index.js";
import { accessibilityViolations, describeInBrowser, PATIENCE } from "./helpers/explorer.js";
import { seedSpans, sendSpans, sendWorkflow } from "./helpers/explorer-seed.js";

const orgA = newAccessKey(["org-a"]);
const everyOrg = newAccessKey([]);

const rowsShown = (page: Page) =>
  page.$$eval("#executions tbody tr a[href^='/workflow-executions/']", (links) =>
    links.map((a) => a.getAttribute("href")),
  );

describeInBrowser(
  "the explorer with API keys",
  (fixture) => {
    beforeAll(async () => {
      const { tracesUrl } = fixture().execlens;
      const startMs = Date.now() - 60_000;
      await sendWorkflow(tracesUrl, {
        name: "report-a",
        executionId: "keys-a",
        startMs,
        steps: 2,
        callsPerStep: 1,
        organizationId: "org-a",
      });
      await sendWorkflow(tracesUrl, {
        name: "report-b",
        executionId: "keys-b",
        startMs,
        steps: 2,
        callsPerStep: 1,
        organizationId: "org-b",
      });
    });

    /** A fresh tab: its sessionStorage holds no key. */
    const newTab = async () => (await fixture().browser.newContext()).newPage();

    it("asks for a key and shows nothing of any organisation without one", async () => {
      const page = await newTab();
      await page.goto(`${fixture().execlens.apiUrl}/`);
      await page.locator("#key-dialog[open]").waitFor();
      expect(await page.locator("#key-input:focus").count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await rowsShown(page)).toEqual([]);
      expect(await page.content()).not.toMatch(/report-a|report-b|keys-a|keys-b/);
      await page.context().close();
    });

    it("refuses an unknown key, then shows only the organisation of a scoped key, and keeps it for the tab", async () => {
      const { apiUrl } = fixture().execlens;
      const page = await newTab();
      await page.goto(`${apiUrl}/`);
      await page.fill("#key-input", "elk_not-a-key");
      await page.press("#key-input", "Enter");
      await page.locator("#key-error:not([hidden])").waitFor();
      expect(await page.locator("#key-error").textContent()).toContain("unknown API key");

      await page.fill("#key-input", orgA.key);
      await page.press("#key-input", "Enter");
      await page.locator("#executions tbody tr").first().waitFor();
      expect(await rowsShown(page)).toEqual(["/workflow-executions/keys-a"]);
      expect(await page.evaluate<string | null>('sessionStorage.getItem("execlens.apiKey")')).toBe(orgA.key);

      // the key goes with every page of the tab; another organisation's execution is not found
      await page.goto(`${apiUrl}/workflow-executions/keys-b`);
      await expect
        .poll(() => page.locator("#page-status").textContent(), PATIENCE)
        .toMatch(/No such workflow execution/);
      await page.goto(`${apiUrl}/workflow-executions/keys-a`);
      await page.locator("#timeline [data-key]").first().waitFor();
      expect(await page.locator("#key-dialog[open]").count()).toBe(0);

      // forgetting it asks again
      await page.click("#forget-key");
      await page.locator("#key-dialog[open]").waitFor();
      await page.context().close();
    });

    it("a key for every organisation sees both; a running workflow turns completed over the keyed stream", async () => {
      const { apiUrl, tracesUrl } = fixture().execlens;
      const page = await newTab();
      await page.goto(`${apiUrl}/`);
      await page.fill("#key-input", everyOrg.key);
      await page.press("#key-input", "Enter");
      await page.locator("#executions tbody tr").first().waitFor();
      expect((await rowsShown(page)).sort()).toEqual([
        "/workflow-executions/keys-a",
        "/workflow-executions/keys-b",
      ]);

      const { root, children } = seedSpans({
        name: "report-live",
        executionId: "keys-live",
        startMs: Date.now() - 1000,
        steps: 2,
        callsPerStep: 1,
        organizationId: "org-a",
      });
      await sendSpans(tracesUrl, children);
      await page.goto(`${apiUrl}/workflow-executions/keys-live`);
      await expect.poll(() => page.locator("#facts .badge").textContent(), PATIENCE).toBe("running");
      await sendSpans(tracesUrl, [root]);
      await expect.poll(() => page.locator("#facts .badge").textContent(), PATIENCE).toBe("completed");
      await page.context().close();
    });
  },
  { apiKeys: parseAccessKeys(`${orgA.entry};${everyOrg.entry}`) },
);
