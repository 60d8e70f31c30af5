/**
 * A small app instrumented the way execlens users instrument theirs: the real NodeSDK, a real
 * OTLP exporter, spans that follow the execlens conventions. It runs one workflow of three
 * steps, each running one skill, and prints the trace id.
 *
 * argv: <otlp traces url> <json|protobuf> <ok|skill-fails|timeout>
 */
import { type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { appData } from "./workflow-app-data.js";

const [url, protocol, scenario] = process.argv.slice(2);
if (url === undefined || (protocol !== "json" && protocol !== "protobuf")) {
  throw new Error("usage: workflow-app.ts <url> <json|protobuf> <ok|skill-fails|timeout>");
}

const APP = appData(`exec-${scenario}-${protocol}-${process.pid}`);

const sdk = new NodeSDK({
  resource: resourceFromAttributes({
    "service.name": "report-app",
    "service.version": "5.0.1",
    "deployment.environment.name": "production",
    "companion.id": APP.companionId,
  }),
  traceExporter: protocol === "json" ? new JsonExporter({ url }) : new ProtobufExporter({ url }),
});
sdk.start();
const tracer = trace.getTracer("report-app", "1.0.0");

function fail(span: Span, error: Error): void {
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

async function runSkill(index: number): Promise<void> {
  const name = APP.skills[index] as string;
  await tracer.startActiveSpan(
    `skill ${name}`,
    {
      attributes: {
        "skill.id": `skill-${name}`,
        "skill.name": name,
        "skill.input": JSON.stringify({ query: `run ${name}`, filters: { status: "active" } }),
      },
    },
    async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (index === 1 && scenario === "skill-fails") {
        fail(span, new Error("supplier database refused the connection"));
      } else if (index === 1 && scenario === "timeout") {
        const error = new Error("fetch_sales_data timed out after 30000 ms");
        error.name = "TimeoutError";
        fail(span, error);
        span.setAttribute("error.type", "TimeoutError");
      } else {
        span.setAttribute(
          "skill.output",
          JSON.stringify({ results: [{ id: `r-${index}` }], totalFound: index + 1 }),
        );
      }
      span.end();
    },
  );
}

const traceId = await tracer.startActiveSpan(
  `workflow ${APP.workflowName}`,
  {
    attributes: {
      "workflow.id": APP.workflowId,
      "workflow.name": APP.workflowName,
      "workflow.execution.id": APP.executionId,
      "workflow.total_steps": APP.steps.length,
      "workflow.input": JSON.stringify({ userRequest: "Criar relatório de vendas Q4 2024" }),
      "workflow.config.timeout": 300000,
      "workflow.config.retryStrategy.maxRetries": 3,
      "workflow.debug_mode": true,
      "workflow.log_level": "debug",
      "workflow.trigger": "manual",
      "user.id": APP.userId,
      "organization.id": APP.organizationId,
      "session.id": APP.sessionId,
      "conversation.id": APP.conversationId,
    },
  },
  async (workflow) => {
    let failed: Error | undefined;
    for (const [order, stepId] of APP.steps.entries()) {
      if (failed) break;
      await tracer.startActiveSpan(
        `step ${stepId}`,
        {
          attributes: {
            "workflow.step.id": stepId,
            "workflow.step.order": order + 1,
            "workflow.execution.id": APP.executionId,
            "workflow.total_steps": APP.steps.length,
          },
        },
        async (step) => {
          await runSkill(order);
          if (order === 1 && scenario !== "ok") {
            failed =
              scenario === "timeout"
                ? Object.assign(new Error("step-fetch-data timed out"), { name: "TimeoutError" })
                : new Error("step-fetch-data failed: supplier database refused the connection");
            fail(step, failed);
          } else {
            step.setAttribute("workflow.step.output", JSON.stringify({ done: stepId }));
          }
          step.end();
        },
      );
    }
    if (failed) {
      fail(workflow, failed);
    } else {
      workflow.setAttribute(
        "workflow.output",
        JSON.stringify({ status: "success", reportUrl: "https://example.com/q4.pdf" }),
      );
    }
    workflow.end();
    return workflow.spanContext().traceId;
  },
);

await sdk.shutdown();
process.stdout.write(`${JSON.stringify({ traceId, executionId: APP.executionId })}\n`);
