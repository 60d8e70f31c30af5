import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { freePort } from "./helpers/own-postgres.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

const installed = await promisify(execFile)("prometheus-alertmanager", ["--version"]).then(
  () => true,
  () => false,
);
if (!installed && process.env.CI !== "true")
  console.warn("prometheus-alertmanager not installed: Alertmanager test skipped");

interface ReceivedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

describe.runIf(installed || process.env.CI === "true")("Alertmanager push", () => {
  let alertmanager: ChildProcess;
  let dir: string;
  let url: string;
  let execlens: TestExeclens;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "execlens-am-"));
    await writeFile(
      join(dir, "alertmanager.yml"),
      'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n',
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    alertmanager = spawn("prometheus-alertmanager", [
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
    ]);
    for (let i = 0; i < 150; i++) {
      const status = await fetch(`${url}/-/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    execlens = await startTestExeclens(pglite, { alertmanagerUrl: url, sweepIntervalMs: 100 });
  });
  afterAll(async () => {
    await execlens?.stop();
    if (alertmanager !== undefined && alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager.once("exit", resolve));
      alertmanager.kill();
      await exited;
    }
    // Alertmanager writes its state on the way out; remove the folder after it has gone.
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it("receives an alert for a failed skill execution and one for a timed-out workflow, with their labels", async () => {
    const spans = await recordSpans((t) => {
      const skill = t.start("skill", { "skill.name": "fetch_sales_data", "organization.id": "org-a" });
      t.fail(skill, "supplier database refused the connection");
      skill.end();
      const workflow = t.start("workflow", {});
      t.start(
        "step",
        {
          "workflow.step.id": "s1",
          "workflow.name": "quarterly-report",
          "workflow.execution.id": "alert-1",
          "workflow.config.timeout": 1,
          "organization.id": "org-a",
        },
        workflow,
      ).end();
    });
    await exportWith(otlpExporter("protobuf", execlens.tracesUrl), spans);
    const alerts = async () => (await (await fetch(`${url}/api/v2/alerts`)).json()) as ReceivedAlert[];
    await expect.poll(async () => (await alerts()).length, { timeout: 10_000, interval: 100 }).toBe(2);
    const byName = Object.fromEntries((await alerts()).map((a) => [a.labels.alertname, a]));
    expect(byName.ExeclensExecutionFailed?.labels).toMatchObject({
      kind: "skill",
      name: "fetch_sales_data",
      status: "failed",
      organisation: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(byName.ExeclensExecutionFailed?.annotations).toMatchObject({
      error: "supplier database refused the connection",
      execution: expect.stringContaining(`${execlens.apiUrl}/api/skill-executions/`),
    });
    expect(byName.ExeclensExecutionTimedOut?.labels).toMatchObject({
      kind: "workflow",
      name: "quarterly-report",
      status: "timeout",
      execution_id: "alert-1",
    });
    expect(byName.ExeclensExecutionTimedOut?.annotations.execution).toBe(
      `${execlens.apiUrl}/api/workflow-executions/alert-1`,
    );
  });

  it("alerts a failure that arrives the moment execlens starts listening (the app's exporter was already retrying)", async () => {
    const port = await freePort();
    const spans = await recordSpans((t) => {
      const skill = t.start("skill", { "skill.name": "sent-while-starting" });
      t.fail(skill, "failed before execlens was up");
      skill.end();
    });
    const exporter = otlpExporter("protobuf", `http://127.0.0.1:${port}/v1/traces`);
    let sent = false;
    const sending = (async () => {
      for (let attempt = 0; attempt < 1000 && !sent; attempt++) {
        await exportWith(exporter, spans).then(
          () => {
            sent = true;
          },
          () => new Promise((resolve) => setTimeout(resolve, 5)),
        );
      }
    })();
    const starting = await startTestExeclens(pglite, { alertmanagerUrl: url, otlpHttpPort: port });
    try {
      await sending;
      expect(sent).toBe(true);
      const alerts = async () => (await (await fetch(`${url}/api/v2/alerts`)).json()) as ReceivedAlert[];
      await expect
        .poll(async () => (await alerts()).some((a) => a.labels.name === "sent-while-starting"), {
          timeout: 10_000,
          interval: 100,
        })
        .toBe(true);
    } finally {
      await starting.stop();
    }
  });
});
