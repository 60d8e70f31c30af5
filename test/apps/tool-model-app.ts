/**
 * An AI SDK 5 app (real NodeSDK and OTLP exporter, the SDK's mock models) whose tool calls a
 * model: `generateText` asks for one `summarise` tool call, and the tool runs its own
 * `generateText` on another model. Prints the function id.
 *
 * argv: <otlp traces url> <run id>
 */
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { generateText, jsonSchema, stepCountIs, tool } from "ai5";
import { MockLanguageModelV2 } from "ai5/test";

const [url, runId] = process.argv.slice(2);
if (url === undefined || runId === undefined) throw new Error("usage: tool-model-app.ts <url> <run id>");

const sdk = new NodeSDK({
  resource: resourceFromAttributes({ "service.name": "summary-app" }),
  traceExporter: new OTLPTraceExporter({ url }),
});
sdk.start();

const usage = (input: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  totalTokens: input + output,
});
const functionId = `summary-bot-${runId}`;
let calls = 0;
const agent = new MockLanguageModelV2({
  modelId: "gpt-4o-mini",
  doGenerate: async () =>
    ++calls === 1
      ? {
          content: [
            {
              type: "tool-call",
              toolCallId: "call-1",
              toolName: "summarise",
              input: '{"text":"a long report"}',
            },
          ],
          finishReason: "tool-calls",
          usage: usage(500, 20),
          warnings: [],
        }
      : {
          content: [{ type: "text", text: "Done." }],
          finishReason: "stop",
          usage: usage(600, 5),
          warnings: [],
        },
});
const summariser = new MockLanguageModelV2({
  modelId: "gpt-4o",
  doGenerate: async () => ({
    content: [{ type: "text", text: "A report." }],
    finishReason: "stop",
    usage: usage(900, 40),
    warnings: [],
  }),
});

await generateText({
  model: agent,
  prompt: "Summarise the report",
  tools: {
    summarise: tool({
      description: "summarise a text with a model",
      inputSchema: jsonSchema<{ text: string }>({
        type: "object",
        properties: { text: { type: "string" } },
        required: ["text"],
      }),
      execute: async ({ text }) =>
        (
          await generateText({
            model: summariser,
            prompt: `Summarise: ${text}`,
            experimental_telemetry: { isEnabled: true, functionId: `${functionId}-summariser` },
          })
        ).text,
    }),
  },
  stopWhen: stepCountIs(3),
  experimental_telemetry: { isEnabled: true, functionId },
});
await sdk.shutdown();
process.stdout.write(`${JSON.stringify({ functionId })}\n`);
