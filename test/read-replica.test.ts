import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnExeclens } from "./helpers/child-execlens.js";
import { exportWith } from "./helpers/export.js";
import { ownPostgres } from "./helpers/own-postgres.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

type Server = Awaited<ReturnType<typeof ownPostgres>>;

async function stopped(child: ReturnType<typeof spawnExeclens>): Promise<void> {
  child.child.kill("SIGTERM");
  await child.exited;
}

/** PostgreSQL only by nature: a primary and a streaming hot standby of the test's own. */
describe("EXECLENS_ROLE=api on a PostgreSQL hot standby", () => {
  let primary: Server;
  let standby: Server;
  beforeAll(async () => {
    primary = await ownPostgres();
    standby = await ownPostgres({ standbyOf: primary.url });
  }, 120_000);
  afterAll(async () => {
    await standby?.destroy();
    await primary?.destroy();
  });

  it("refuses to start before the primary has the schema, then serves the replicated rows read-only", async () => {
    const early = spawnExeclens(["--api-port=0"], { DATABASE_URL: standby.url, EXECLENS_ROLE: "api" });
    expect(await early.exited).toBe(1);
    expect(early.output().stderr).toContain("0 of the");
    expect(early.output().stderr).toContain("EXECLENS_ROLE=all against the primary");

    const writer = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
      DATABASE_URL: primary.url,
    });
    try {
      const { otlpHttp } = await writer.ready(60_000);
      const spans = await recordSpans((t) => {
        const workflow = t.start("workflow", { "workflow.name": "replicated" });
        t.start("skill", { "skill.name": "on-primary" }, workflow).end();
        workflow.end();
      });
      await exportWith(otlpExporter("protobuf", otlpHttp), spans);
    } finally {
      await stopped(writer);
    }

    const reader = new pg.Client({ connectionString: standby.url });
    await reader.connect();
    await expect
      .poll(async () => (await reader.query(`SELECT count(*)::int AS n FROM "SkillExecutions"`)).rows[0]?.n, {
        timeout: 15_000,
      })
      .toBe(1);
    expect((await reader.query("SELECT pg_is_in_recovery() AS standby")).rows[0]?.standby).toBe(true);
    await reader.end();

    const api = spawnExeclens(["--api-port=0"], { DATABASE_URL: standby.url, EXECLENS_ROLE: "api" });
    try {
      const ready = (await api.ready(30_000)) as { api: string; otlpHttp?: string; role?: string };
      expect(ready.role).toBe("api");
      expect(ready.otlpHttp).toBeUndefined();
      expect((await fetch(`${ready.api}/readyz`)).status).toBe(200);
      const skills = (await (await fetch(`${ready.api}/api/skill-executions`)).json()) as {
        items: Array<{ skillName: string; wkexId: string }>;
      };
      expect(skills.items.map((s) => s.skillName)).toEqual(["on-primary"]);
      const workflows = (await (await fetch(`${ready.api}/api/workflow-executions`)).json()) as {
        items: Array<{ executionId: string; status: string }>;
      };
      expect(workflows.items).toHaveLength(1);
      const stats = await fetch(`${ready.api}/api/stats/skills`);
      expect(stats.status).toBe(200);
      // live progress without LISTEN (a standby refuses it): the stream opens and ends on the terminal state
      const events = await fetch(
        `${ready.api}/api/workflow-executions/${workflows.items[0]?.executionId}/events`,
      );
      expect(events.status).toBe(200);
      expect(await events.text()).toContain("event: end");
      expect(await (await fetch(`${ready.api}/metrics`)).text()).toContain("execlens_workflows_stuck");
    } finally {
      await stopped(api);
    }
  }, 120_000);
});
