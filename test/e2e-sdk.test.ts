import { describe, expect, it } from "vitest";
import { sourceIdToUuid } from "../src/model/index.js";
import { appData } from "./apps/workflow-app-data.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { type Row, skillRows, stepRows, workflowRows } from "./helpers/rows.js";
import { runWorkflowApp } from "./helpers/test-app.js";

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function ms(value: unknown): number {
  return new Date(value as string).getTime();
}

function expectTiming(row: Row, prefix: string, durationColumn: string): void {
  const started = ms(row[`${prefix}_started_at`]);
  const completed = ms(row[`${prefix}_completed_at`]);
  expect(completed).toBeGreaterThanOrEqual(started);
  expect(Math.abs(completed - started - Number(row[durationColumn]))).toBeLessThanOrEqual(1);
  expect(ms(row[`${prefix}_created_at`])).toBeGreaterThanOrEqual(started);
}

describeEachDatabase("a real NodeSDK app exporting a workflow of 3 steps", (kind) => {
  const execlens = useExeclens(kind);

  for (const protocol of ["json", "protobuf"] as const) {
    describe(`over OTLP/HTTP ${protocol}`, () => {
      it("fills every seed column of the three tables", async () => {
        const sent = await runWorkflowApp(execlens.tracesUrl, protocol, "ok");
        const app = appData(sent.executionId);
        const db = execlens.database.db;

        const [workflow] = await workflowRows(db, sent.traceId);
        expect(workflow).toBeDefined();
        const w = workflow as Row;
        expect(w.wkex_id).toMatch(UUID_V5);
        expect(w).toMatchObject({
          wkex_execution_id: app.executionId,
          wkfl_id: app.workflowId,
          wkex_workflow_name: app.workflowName,
          companion_id: app.companionId,
          user_id: sourceIdToUuid(app.userId),
          organization_id: sourceIdToUuid(app.organizationId),
          wkex_session_id: app.sessionId,
          wkex_conversation_id: app.conversationId,
          wkex_status: "completed",
          wkex_current_step_id: app.steps[2],
          wkex_current_step_order: 3,
          wkex_total_steps: 3,
          wkex_completed_steps: 3,
          wkex_error_message: null,
          wkex_error_step: null,
          wkex_debug_mode: true,
          wkex_log_level: "debug",
          wkex_trace_id: sent.traceId,
        });
        expectTiming(w, "wkex", "wkex_total_duration_ms");
        expect(ms(w.wkex_updated_at)).toBeGreaterThanOrEqual(ms(w.wkex_created_at));

        const steps = await stepRows(db, w.wkex_id as string);
        expect(steps.map((s) => [s.wstp_step_id, s.wstp_step_order, s.wstp_status])).toEqual(
          app.steps.map((id, i) => [id, i + 1, "completed"]),
        );
        for (const step of steps) {
          expect(step.wstp_id).toMatch(UUID_V7);
          expect(step.wstp_error_message).toBeNull();
          expectTiming(step, "wstp", "wstp_duration_ms");
          expect(step.wstp_attributes).toMatchObject({ output: { done: step.wstp_step_id } });
        }
        const durations = steps.map((s) => Number(s.wstp_duration_ms));
        expect(w.wkex_avg_step_duration_ms).toBeCloseTo(
          durations.reduce((a, b) => a + b, 0) / durations.length,
          3,
        );

        expect(w.wkex_attributes).toMatchObject({
          initial_input: { userRequest: "Criar relatório de vendas Q4 2024" },
          final_output: { status: "success", reportUrl: "https://example.com/q4.pdf" },
          intermediate_results: Object.fromEntries(app.steps.map((id) => [id, { done: id }])),
          execution_config: { timeout: 300000, retryStrategy: { maxRetries: 3 } },
          ai_sdk_messages: [],
          ai_sdk_steps: [],
          ai_sdk_callbacks: {},
          metadata: {
            trigger: "manual",
            environment: "production",
            clientVersion: "5.0.1",
            source_ids: { user_id: app.userId, organization_id: app.organizationId },
          },
        });

        const skills = await skillRows(db, sent.traceId);
        expect(skills).toHaveLength(3);
        skills.forEach((skill, i) => {
          const name = app.skills[i] as string;
          expect(skill.exec_id).toMatch(UUID_V7);
          expect(skill).toMatchObject({
            skill_id: sourceIdToUuid(`skill-${name}`),
            exec_skill_name: name,
            wkex_id: w.wkex_id,
            // companion from the resource; the others inherited from the workflow execution
            companion_id: app.companionId,
            user_id: sourceIdToUuid(app.userId),
            organization_id: sourceIdToUuid(app.organizationId),
            exec_session_id: app.sessionId,
            exec_conversation_id: app.conversationId,
            exec_status: "completed",
            exec_step_number: i + 1,
            exec_error_message: null,
            exec_trace_id: sent.traceId,
          });
          expectTiming(skill, "exec", "exec_duration_ms");
          expect(skill.exec_attributes).toMatchObject({
            input_data: { query: `run ${name}`, filters: { status: "active" } },
            output_data: { results: [{ id: `r-${i}` }], totalFound: i + 1 },
            metadata: {
              environment: "production",
              clientVersion: "5.0.1",
              source_ids: { skill_id: `skill-${name}` },
            },
          });
        });
      });
    });
  }

  it("a failing skill fails its row with the error, and the workflow names the error step", async () => {
    const sent = await runWorkflowApp(execlens.tracesUrl, "protobuf", "skill-fails");
    const db = execlens.database.db;
    const [w] = await workflowRows(db, sent.traceId);
    expect(w).toMatchObject({
      wkex_status: "failed",
      wkex_error_step: "step-fetch-data",
      wkex_error_message: "step-fetch-data failed: supplier database refused the connection",
      wkex_completed_steps: 1,
      wkex_current_step_id: "step-fetch-data",
      wkex_total_steps: 3,
    });
    const skills = await skillRows(db, sent.traceId);
    expect(skills.map((s) => [s.exec_skill_name, s.exec_status, s.exec_error_message])).toEqual([
      ["validate_request", "completed", null],
      ["fetch_sales_data", "failed", "supplier database refused the connection"],
    ]);
    expect(skills[1]?.exec_attributes).toMatchObject({
      metadata: { error: { type: "Error", message: "supplier database refused the connection" } },
    });
  });

  it("a timeout error gives the timeout status", async () => {
    const sent = await runWorkflowApp(execlens.tracesUrl, "json", "timeout");
    const db = execlens.database.db;
    const [w] = await workflowRows(db, sent.traceId);
    expect(w).toMatchObject({ wkex_status: "timeout", wkex_error_step: "step-fetch-data" });
    const skills = await skillRows(db, sent.traceId);
    expect(skills.map((s) => [s.exec_skill_name, s.exec_status])).toEqual([
      ["validate_request", "completed"],
      ["fetch_sales_data", "timeout"],
    ]);
    expect(skills[1]?.exec_error_message).toBe("fetch_sales_data timed out after 30000 ms");
  });
});
