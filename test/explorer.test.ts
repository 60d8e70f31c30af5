import type { Page } from "playwright-core";
import { afterEach, beforeAll, expect, it } from "vitest";
import { allPages, apiClient } from "./helpers/api.js";
import { barKeys, describeInBrowser, PATIENCE, startOrder } from "./helpers/explorer.js";
import { seedSpans, sendSpans } from "./helpers/explorer-seed.js";
import { otlpExporter, sdkTracer } from "./helpers/sdk.js";
import { runAiSdkApp, runWorkflowApp } from "./helpers/test-app.js";

interface Detail {
  executionId: string;
  status: string;
  steps: Array<{ wstpId: string; startedAt: string; status: string }>;
  skills: Array<{ execId: string; startedAt: string; status: string }>;
  llmCalls?: Array<{ spanId: string; startedAt: string }>;
}

/** The status the page shows in a badge of `scope`. */
const badge = (page: Page, scope: string) => page.locator(`${scope} .badge`).first().textContent();

describeInBrowser("the explorer in a browser", (fixture) => {
  let aiSdk: Detail;
  let conventions: Detail;
  let page: Page;
  /**
   * Script errors, console errors (a CSP violation is one) and requests anywhere but this
   * execlens, of every page: there must be none (the explorer works without any network).
   */
  const problems: string[] = [];
  const watch = (p: Page) => {
    p.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    p.on("request", (request) => {
      if (!request.url().startsWith(`${fixture().execlens.apiUrl}/`))
        problems.push(`request: ${request.url()}`);
    });
    p.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    return p;
  };
  afterEach(() => {
    expect(problems).toEqual([]);
  });

  beforeAll(async () => {
    const { execlens, browser } = fixture();
    const api = apiClient(execlens.apiUrl);
    // A real AI SDK app (generateText with two tool calls) and a conventions app whose second step fails.
    const [run, failing] = await Promise.all([
      runAiSdkApp(execlens.tracesUrl, "6", "explorer"),
      runWorkflowApp(execlens.tracesUrl, "protobuf", "skill-fails"),
    ]);
    const workflows = await allPages<{ executionId: string; workflowName: string | null }>(
      api,
      "/api/workflow-executions",
      {},
    );
    const generate = workflows.find((w) => w.workflowName === run.generate.functionId);
    if (generate === undefined) throw new Error("the AI SDK workflow was not stored");
    aiSdk = (await api.get<Detail>(`/api/workflow-executions/${encodeURIComponent(generate.executionId)}`))
      .body;
    conventions = (await api.get<Detail>(`/api/workflow-executions/${failing.executionId}`)).body;
    page = watch(await browser.newPage({ viewport: { width: 1280, height: 900 } }));
  });

  it("lists both workflows with their status, and links each to its page", async () => {
    await page.goto(`${fixture().execlens.apiUrl}/`);
    const row = (executionId: string) =>
      `#executions tbody tr:has(a[href="/workflow-executions/${executionId}"])`;
    await page.locator(row(encodeURIComponent(aiSdk.executionId))).waitFor();
    expect(await badge(page, row(encodeURIComponent(aiSdk.executionId)))).toBe("completed");
    expect(await badge(page, row(conventions.executionId))).toBe("failed");
    expect(await page.locator("#list-status").textContent()).toMatch(/workflow executions/);
  });

  it("shows one bar per step, skill and model request, in start order, failed ones marked", async () => {
    for (const detail of [aiSdk, conventions]) {
      await page.goto(
        `${fixture().execlens.apiUrl}/workflow-executions/${encodeURIComponent(detail.executionId)}`,
      );
      await page.locator("#timeline [data-key]").first().waitFor();
      expect(await barKeys(page)).toEqual(["workflow", ...startOrder(detail)]);
      const failed = await page.$$eval("#timeline .row.failed button", (bs) =>
        bs.map((b) => b.getAttribute("data-key")),
      );
      expect(failed.sort()).toEqual(
        [
          ...(detail.status === "failed" ? ["workflow"] : []),
          ...startOrder({
            steps: detail.steps.filter((s) => s.status === "failed"),
            skills: detail.skills.filter((s) => s.status === "failed"),
          }),
        ].sort(),
      );
    }
    // the AI SDK workflow: two model requests around its two tool calls
    expect(aiSdk.llmCalls).toHaveLength(2);
    expect(aiSdk.skills).toHaveLength(2);
    expect(startOrder(aiSdk).map((key) => key.split(":")[0])).toEqual(["llm", "skill", "skill", "llm"]);
    expect(conventions.steps.map((s) => s.status)).toEqual(["completed", "failed"]);
  });

  it("shows a bar's attributes when picked: the error with its stack trace, a model request's conversation", async () => {
    const url = fixture().execlens.apiUrl;
    await page.goto(`${url}/workflow-executions/${conventions.executionId}`);
    const failedSkill = conventions.skills.find((s) => s.status === "failed");
    await page.locator(`[data-key="skill:${failedSkill?.execId}"]`).click();
    const details = page.locator("#details");
    await details.waitFor();
    expect(await details.locator(".error-box").textContent()).toContain(
      "supplier database refused the connection",
    );
    expect(await details.locator(".stack").textContent()).toMatch(/at /);
    expect(page.url()).toContain(`#skill%3A${failedSkill?.execId}`);

    await page.goto(`${url}/workflow-executions/${encodeURIComponent(aiSdk.executionId)}`);
    const first = page.locator("#timeline [data-key]").first();
    await first.waitFor();
    // one bar in the tab order (roving tabindex): Tab passes the timeline in one step
    const tabbable = () =>
      page.$$eval("#timeline button[tabindex='0']", (bs) => bs.map((b) => b.getAttribute("data-key")));
    expect(await tabbable()).toEqual(["workflow"]);
    await first.focus();
    await page.keyboard.press("ArrowDown");
    expect(await tabbable()).toEqual([startOrder(aiSdk)[0]]);
    await page.keyboard.press("Enter");
    expect(await page.locator("#details-title").textContent()).toMatch(/^Model request/);
    const conversation = await page.locator("#details .conversation").textContent();
    expect(conversation).toContain("What is the weather in Lisbon and Porto?");
    expect(conversation).toContain("weather");
  });

  it("shows a workflow still running as running, and completed without a reload when its last span arrives", async () => {
    const { execlens, browser } = fixture();
    const t = sdkTracer(otlpExporter("protobuf", execlens.tracesUrl));
    const context = { "workflow.execution.id": "explorer-live", "workflow.total_steps": 2 };
    const workflow = t.start("workflow live", { ...context, "workflow.name": "live-report" });
    for (const order of [1, 2]) {
      const step = t.start(
        `step ${order}`,
        { ...context, "workflow.step.id": `s${order}`, "workflow.step.order": order },
        workflow,
      );
      t.start(`skill ${order}`, { "skill.name": `k${order}` }, step).end();
      step.end();
    }
    await t.flush();

    const list = watch(await browser.newPage());
    await list.goto(`${execlens.apiUrl}/?status=running,completed`);
    const row = '#executions tbody tr:has(a[href="/workflow-executions/explorer-live"])';
    await list.locator(row).waitFor();
    expect(await badge(list, row)).toBe("running");

    await page.goto(`${execlens.apiUrl}/workflow-executions/explorer-live`);
    await page.locator("#timeline [data-key]").first().waitFor();
    expect(await badge(page, "#facts")).toBe("running");
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    workflow.end();
    await t.flush();
    await t.shutdown();
    await expect.poll(() => badge(page, "#facts"), PATIENCE).toBe("completed");
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.locator("#timeline .row.kind-step").count()).toBe(2);
    await expect.poll(() => badge(list, row), PATIENCE).toBe("completed");
    await list.close();
  });

  it("loads more with the keyset cursor, 50 at a time", async () => {
    const { execlens } = fixture();
    const startMs = Date.now() - 3_600_000;
    const spans = Array.from({ length: 55 }, (_, i) => {
      const { root, children } = seedSpans({
        name: "paged",
        executionId: `paged-${i}`,
        startMs: startMs + i * 1000,
        steps: 1,
        callsPerStep: 0,
        sessionId: "paging",
      });
      return [...children, root];
    }).flat();
    await sendSpans(execlens.tracesUrl, spans);
    await page.goto(`${execlens.apiUrl}/?session_id=paging`);
    const rows = page.locator("#executions tbody tr");
    await expect.poll(() => rows.count(), PATIENCE).toBe(50);
    expect(await page.locator("#load-more").isVisible()).toBe(true);
    await page.click("#load-more");
    await expect.poll(() => rows.count(), PATIENCE).toBe(55);
    expect(await page.locator("#load-more").isHidden()).toBe(true);
    // newest first, none twice
    const ids = await page.$$eval("#executions tbody tr a[href^='/workflow-executions/']", (links) =>
      links.map((a) => a.getAttribute("href")),
    );
    expect(ids).toEqual(Array.from({ length: 55 }, (_, i) => `/workflow-executions/paged-${54 - i}`));
  });

  it("draws the overview from /api/stats/*", async () => {
    const { execlens } = fixture();
    const api = apiClient(execlens.apiUrl);
    const stats = await api.get<{ workflows: Array<{ count: number }> }>("/api/stats/workflows");
    const count = stats.body.workflows.reduce((sum, w) => sum + w.count, 0);
    await page.goto(`${execlens.apiUrl}/overview`);
    await page.locator(".chart").first().waitFor();
    expect(await page.locator("#totals .fact:first-child dd").textContent()).toBe(String(count));
    expect(await page.locator(".chart figcaption").allTextContents()).toEqual([
      "Workflow executions per bucket",
      "Workflow failure and timeout rate",
      "p95 duration by workflow",
      "Cost by workflow",
      "Skill executions per bucket",
      "p95 duration by skill",
    ]);
  });

  it("keeps the filters in the URL: they survive a reload", async () => {
    await page.goto(`${fixture().execlens.apiUrl}/`);
    await page.selectOption("#f-status", "failed");
    await page.fill("#f-organization_id", "org-456");
    await Promise.all([page.waitForURL(/status=failed/), page.click("#filters button[type=submit]")]);
    const statuses = () =>
      page.$$eval("#executions tbody tr", (rows) => rows.map((r) => r.getAttribute("data-status")));
    await page.locator("#executions tbody tr").first().waitFor();
    expect(await statuses()).toEqual(["failed"]);

    await page.reload();
    await page.locator("#executions tbody tr").first().waitFor();
    expect(await statuses()).toEqual(["failed"]);
    expect(await page.inputValue("#f-status")).toBe("failed");
    expect(await page.inputValue("#f-organization_id")).toBe("org-456");
    expect(new URL(page.url()).searchParams.get("organization_id")).toBe("org-456");
  });
});
