import { randomBytes } from "node:crypto";

/**
 * Workflow traces for the explorer's tests, benchmark and screenshots, sent as OTLP/JSON the way
 * an exporter sends them: a declared workflow (execlens conventions) of steps, each running a
 * skill that makes GenAI `chat` model requests with their messages.
 */
export interface SeedWorkflow {
  readonly name: string;
  readonly executionId: string;
  readonly startMs: number;
  readonly steps: number;
  readonly callsPerStep: number;
  /** 1-based order of a step whose skill throws (with a stack trace), ending the workflow failed. */
  readonly failStep?: number;
  /** How that skill fails: an error (default) or a timeout (status `timeout`). */
  readonly failure?: "error" | "timeout";
  readonly organizationId?: string;
  readonly userId?: string;
  readonly sessionId?: string;
  readonly model?: string;
}

type Value = string | number | boolean;
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attribute[];
  events: unknown[];
  status: { code: number; message?: string };
}

type Attribute = { key: string; value: Record<string, Value> };
const attributes = (values: Record<string, Value>): Attribute[] =>
  Object.entries(values).map(
    ([key, value]): Attribute => ({
      key,
      value:
        typeof value === "string"
          ? { stringValue: value }
          : typeof value === "boolean"
            ? { boolValue: value }
            : Number.isInteger(value)
              ? { intValue: value }
              : { doubleValue: value },
    }),
  );

/** The error a failing skill throws, with a stack trace as an app would record it. */
function failure(kind: "error" | "timeout", skill: string): Error {
  const error =
    kind === "timeout"
      ? Object.assign(new Error(`${skill} timed out after 30000 ms`), { name: "TimeoutError" })
      : Object.assign(new Error("supplier database refused the connection"), { name: "ConnectionError" });
  error.stack = [
    `${error.name}: ${error.message}`,
    "    at Pool.connect (/app/node_modules/pg-pool/index.js:45:11)",
    `    at ${skill} (/app/src/skills/${skill}.ts:28:19)`,
    "    at runStep (/app/src/workflows/run-step.ts:54:7)",
  ].join("\n");
  return error;
}

const nanos = (ms: number) => `${BigInt(Math.round(ms * 1000)) * 1000n}`;
const SKILLS = ["search_documents", "summarise", "draft_answer", "check_facts"];

/** The workflow's spans; the workflow's own span apart, as an SDK exports it last (it ends last). */
export function seedSpans(w: SeedWorkflow): { root: OtlpSpan; children: OtlpSpan[] } {
  const traceId = randomBytes(16).toString("hex");
  const newId = () => randomBytes(8).toString("hex");
  const rootId = newId();
  const ids: Record<string, Value> = {
    "workflow.execution.id": w.executionId,
    ...(w.organizationId === undefined ? {} : { "organization.id": w.organizationId }),
    ...(w.userId === undefined ? {} : { "user.id": w.userId }),
    ...(w.sessionId === undefined ? {} : { "session.id": w.sessionId }),
  };
  const span = (
    spanId: string,
    parentSpanId: string | undefined,
    name: string,
    startMs: number,
    endMs: number,
    values: Record<string, Value>,
    error?: Error,
    errorMessage = error?.message,
  ): OtlpSpan => ({
    traceId,
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name,
    kind: 1,
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(endMs),
    attributes: attributes(values),
    events:
      error === undefined
        ? []
        : [
            {
              name: "exception",
              timeUnixNano: nanos(endMs),
              attributes: attributes({
                "exception.type": error.name,
                "exception.message": error.message,
                "exception.stacktrace": error.stack ?? "",
              }),
            },
          ],
    status: errorMessage === undefined ? { code: 1 } : { code: 2, message: errorMessage },
  });
  const model = w.model ?? "gpt-4o-mini";
  const children: OtlpSpan[] = [];
  let clock = w.startMs + 2;
  let failed: Error | undefined;
  for (let order = 1; order <= w.steps && failed === undefined; order++) {
    const stepId = newId();
    const skillId = newId();
    const stepStart = clock;
    const skillStart = clock + 1;
    clock = skillStart + 2;
    for (let call = 0; call < w.callsPerStep; call++) {
      const duration = 40 + ((order * 7 + call * 13) % 50);
      const part = `${order}.${call + 1}`;
      children.push(
        span(newId(), skillId, `chat ${model}`, clock, clock + duration, {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": model,
          "gen_ai.usage.input_tokens": 420 + order * 10 + call,
          "gen_ai.usage.output_tokens": 60 + call * 5,
          "gen_ai.system_instructions": JSON.stringify([
            { type: "text", content: "You write short, factual sales summaries." },
          ]),
          "gen_ai.input.messages": JSON.stringify([
            {
              role: "user",
              parts: [{ type: "text", content: `Summarise section ${part} of the Q4 sales figures.` }],
            },
          ]),
          "gen_ai.output.messages": JSON.stringify([
            {
              role: "assistant",
              parts: [{ type: "text", content: `Section ${part}: revenue grew 12 % over Q3.` }],
            },
          ]),
        }),
      );
      clock += duration + 3;
    }
    const skill = SKILLS[order % SKILLS.length] as string;
    failed = order === w.failStep ? failure(w.failure ?? "error", skill) : undefined;
    children.push(
      span(
        skillId,
        stepId,
        `skill ${skill}`,
        skillStart,
        clock,
        {
          "skill.name": skill,
          "skill.id": `skill-${skill}`,
          "skill.input": JSON.stringify({ query: `part ${order} of the quarterly report`, limit: 5 }),
          ...(failed === undefined
            ? { "skill.output": JSON.stringify({ found: order + 2, summary: `part ${order} done` }) }
            : {}),
        },
        failed,
      ),
    );
    clock += 2;
    children.push(
      span(
        stepId,
        rootId,
        `step ${order}`,
        stepStart,
        clock,
        {
          ...ids,
          "workflow.step.id": `step-${order}`,
          "workflow.step.order": order,
          "workflow.step.input": JSON.stringify({ order }),
        },
        undefined,
        failed === undefined ? undefined : `step-${order} failed: ${failed.message}`,
      ),
    );
    clock += 3;
  }
  const root = span(
    rootId,
    undefined,
    `workflow ${w.name}`,
    w.startMs,
    clock,
    {
      ...ids,
      "workflow.name": w.name,
      "workflow.id": `workflow-${w.name}`,
      "workflow.total_steps": w.steps,
      "workflow.input": JSON.stringify({ request: "Create the Q4 sales report" }),
      ...(failed === undefined
        ? { "workflow.output": JSON.stringify({ reportUrl: "https://example.com/q4.pdf" }) }
        : {}),
    },
    undefined,
    failed === undefined ? undefined : `step-${w.failStep} failed: ${failed.message}`,
  );
  return { root, children };
}

/** POSTs spans to an OTLP/HTTP receiver as one JSON request; throws unless it answers 200. */
export async function sendSpans(tracesUrl: string, spans: readonly OtlpSpan[]): Promise<void> {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: attributes({ "service.name": "report-app" }) },
        scopeSpans: [{ scope: { name: "report-app" }, spans }],
      },
    ],
  };
  const response = await fetch(tracesUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200)
    throw new Error(`execlens answered ${response.status}: ${await response.text()}`);
}

/** Sends a whole workflow; resolves once execlens has stored it. Returns how many spans it had. */
export async function sendWorkflow(tracesUrl: string, workflow: SeedWorkflow): Promise<number> {
  const { root, children } = seedSpans(workflow);
  await sendSpans(tracesUrl, [...children, root]);
  return children.length + 1;
}
