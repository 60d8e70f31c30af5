import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { sourceIdToUuid } from "../src/model/index.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { skillRows, workflowRows } from "./helpers/rows.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const SKILL_UUID = "6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5";

const RULES = `
mappingRules:
  - name: app jobs
    match:
      attributes:
        app.kind: job
    role: workflow
    map:
      execution_id: app.job_id
      workflow_name: app.job_name
      organization_id: app.tenant
  - name: app tools
    match:
      name: "tool:*"
      attributes:
        app.skill_uuid: { exists: true }
    role: skill
    map:
      skill_id: app.skill_uuid
      skill_name: app.tool
      organization_id: app.tenant
      metadata.team: app.team
`;

async function configFile(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "execlens-rules-")), "execlens.yml");
  await writeFile(file, text);
  return file;
}

describeEachDatabase("mapping rules (EXECLENS_CONFIG)", (kind) => {
  let execlens: TestExeclens;
  beforeAll(async () => {
    const config = loadConfig({ EXECLENS_CONFIG: await configFile(RULES) }, []);
    execlens = await startTestExeclens(kind, { mappingRules: config.mappingRules });
  });
  afterAll(async () => {
    await execlens?.stop();
  });

  it("map an app's own attributes to skill_id, organization_id and metadata, over the built-in conventions", async () => {
    const spans = await recordSpans((t) => {
      const job = t.start("nightly job", {
        "app.kind": "job",
        "app.job_id": "job-77",
        "app.job_name": "nightly-billing",
        "app.tenant": "acme",
      });
      t.start(
        "tool:charge",
        {
          "app.skill_uuid": SKILL_UUID,
          "app.tool": "charge-card",
          "app.tenant": "acme",
          "app.team": "payments",
          // the rule wins over a convention attribute the span also has
          "skill.id": "not-this-one",
        },
        job,
      ).end();
      t.start("tool:unrelated", { "app.tenant": "acme" }, job).end();
      job.end();
    });
    await exportWith(otlpExporter("protobuf", execlens.tracesUrl), spans);

    const [workflow] = (await workflowRows(execlens.database.db)).filter(
      (w) => w.wkex_execution_id === "job-77",
    );
    expect(workflow).toMatchObject({
      wkex_workflow_name: "nightly-billing",
      organization_id: sourceIdToUuid("acme"),
      wkex_status: "completed",
    });
    const skills = await skillRows(execlens.database.db, workflow?.wkex_trace_id as string);
    expect(skills).toHaveLength(1);
    expect(skills[0]).toMatchObject({
      skill_id: SKILL_UUID,
      exec_skill_name: "charge-card",
      organization_id: sourceIdToUuid("acme"),
      wkex_id: workflow?.wkex_id,
      exec_attributes: { metadata: { team: "payments", source_ids: { organization_id: "acme" } } },
    });
  });
});

describe("a bad mapping-rules file", () => {
  it("fails start-up naming the file, the rule and the field", async () => {
    const file = await configFile(RULES.replace("skill_id: app.skill_uuid", "skil_id: app.skill_uuid"));
    const failed = await run("bin/execlens", [], {
      cwd: root,
      env: { ...process.env, EXECLENS_CONFIG: file, EXECLENS_DATA_DIR: join(tmpdir(), "never-used") },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain(
      `${file}: mappingRules: rule 2 ("app tools"): map.skil_id: unknown target`,
    );

    const empty = await configFile("mappingRules:\n  - match: {}\n");
    expect(() => loadConfig({ EXECLENS_CONFIG: empty }, [])).toThrow(
      `${empty}: mappingRules: rule 1: match: must say something to match`,
    );
    const badRole = await configFile("mappingRules:\n  - match: { name: x }\n    role: agent\n");
    expect(() => loadConfig({ EXECLENS_CONFIG: badRole }, [])).toThrow(
      `${badRole}: mappingRules: rule 1: role`,
    );
  });
});

describe("prices in the configuration file", () => {
  it("are read as a YAML list and validated naming the entry and field", async () => {
    const file = await configFile(
      'prices:\n  - { provider: openai, model: gpt-4o, effectiveFrom: "2026-01-01", input: 2, cachedInput: 1, output: 8 }\n',
    );
    expect(loadConfig({ EXECLENS_CONFIG: file }, []).prices).toEqual([
      {
        provider: "openai",
        model: "gpt-4o",
        effectiveFrom: "2026-01-01",
        input: 2,
        cachedInput: 1,
        output: 8,
      },
    ]);
    const bad = await configFile(
      'prices:\n  - { model: gpt-4o, effectiveFrom: "2026-01-01", input: -1, output: 8 }\n',
    );
    expect(() => loadConfig({ EXECLENS_CONFIG: bad }, [])).toThrow(`${bad}: prices: 0.input`);
    expect(() => loadConfig({ EXECLENS_PRICES: "[{" }, [])).toThrow("EXECLENS_PRICES: not valid JSON");
  });
});
