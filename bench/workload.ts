import { context, trace } from "@opentelemetry/api";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  type IdGenerator,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { seededRandom } from "./seeded-random.js";

/** Spans in one request, like the SDK's BatchSpanProcessor sends them. */
export const SPANS_PER_REQUEST = 512;
/**
 * `ai`: per trace a workflow, 4 steps, each with a skill, 2 LLM calls and a db query;
 * `conventions`: the same without the LLM and db spans (execlens' own conventions only).
 */
export type Workload = "ai" | "conventions";

/** Spans per trace of each workload. */
export const SPANS_PER_TRACE: Readonly<Record<Workload, number>> = { ai: 21, conventions: 9 };
/** Per trace: 1 workflow, 4 step and 4 skill rows. */
export const ROWS_PER_TRACE = 9;

class SeededIds implements IdGenerator {
  constructor(private readonly random: ReturnType<typeof seededRandom>) {}
  private hex(bytes: number): string {
    let out = "";
    for (let i = 0; i < bytes; i++) out += this.random.int(256).toString(16).padStart(2, "0");
    return out;
  }
  generateTraceId(): string {
    return this.hex(16);
  }
  generateSpanId(): string {
    return this.hex(8);
  }
}

const WORDS = [
  "supplier",
  "invoice",
  "quarter",
  "region",
  "report",
  "customer",
  "growth",
  "pipeline",
  "forecast",
  "risk",
];

/** A JSON payload of `min`–`max` bytes. */
function payload(r: ReturnType<typeof seededRandom>, min: number, max: number): string {
  const target = min + r.int(max - min);
  const items: string[] = [];
  let size = 2;
  while (size < target) {
    const item = `{"id":"${r.int(1e9).toString(36)}","text":"${Array.from({ length: 6 }, () => r.pick(WORDS)).join(" ")}","score":${r.int(1000)}}`;
    items.push(item);
    size += item.length + 1;
  }
  return `{"results":[${items.join(",")}],"totalFound":${items.length}}`;
}

/**
 * `traces` traces shaped like real use (deterministic for a seed), encoded as OTLP/protobuf
 * requests of 512 spans by the real exporter's serializer. `rolelessPerSkill` adds spans no
 * convention gives a role (an app's own internal spans) under each skill.
 */
export async function workloadBodies(
  traces: number,
  seed = 42,
  workload: Workload = "ai",
  rolelessPerSkill = 0,
): Promise<Uint8Array[]> {
  const r = seededRandom(seed);
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    idGenerator: new SeededIds(seededRandom(seed + 1)),
    resource: resourceFromAttributes({ "service.name": "bench-app", "service.version": "1.0.0" }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer("bench-app");
  const at = (base: number, ms: number) => new Date(base + ms);
  const base = Date.now() - 3_600_000;
  for (let t = 0; t < traces; t++) {
    const start = base + t * 10;
    const ids = {
      "organization.id": `org-${r.int(50)}`,
      "companion.id": `companion-${r.int(100)}`,
      "user.id": `user-${r.int(5000)}`,
      "session.id": `session-${r.int(20000)}`,
    };
    const workflow = tracer.startSpan("workflow report", {
      startTime: at(start, 0),
      attributes: {
        "workflow.name": `workflow-${r.int(20)}`,
        "workflow.execution.id": `bench-${seed}-${t}`,
        "workflow.total_steps": 4,
        "workflow.input": payload(r, 500, 2000),
        ...ids,
      },
    });
    const wctx = trace.setSpan(context.active(), workflow);
    let clock = start + 1;
    for (let s = 1; s <= 4; s++) {
      const step = tracer.startSpan(
        `step ${s}`,
        {
          startTime: at(clock, 0),
          attributes: {
            "workflow.step.id": `step-${s}`,
            "workflow.step.order": s,
            "workflow.step.output": payload(r, 200, 600),
          },
        },
        wctx,
      );
      const sctx = trace.setSpan(wctx, step);
      const skill = tracer.startSpan(
        `skill ${s}`,
        {
          startTime: at(clock, 1),
          attributes: {
            "skill.name": `skill-${r.int(200)}`,
            "skill.input": payload(r, 250, 1000),
            "skill.output": payload(r, 250, 1000),
          },
        },
        sctx,
      );
      const kctx = trace.setSpan(sctx, skill);
      for (let l = 0; l < (workload === "ai" ? 2 : 0); l++) {
        tracer
          .startSpan(
            "ai.generateText.doGenerate",
            {
              startTime: at(clock, 2 + l * 20),
              attributes: {
                "ai.model.id": "gpt-4o-mini",
                "ai.usage.promptTokens": 200 + r.int(800),
                "ai.usage.completionTokens": 50 + r.int(300),
                "gen_ai.system": "openai",
              },
            },
            kctx,
          )
          .end(at(clock, 20 + l * 20));
      }
      if (workload === "ai")
        tracer
          .startSpan(
            "SELECT suppliers",
            {
              kind: 2,
              startTime: at(clock, 45),
              attributes: {
                "db.system.name": "postgresql",
                "db.query.text": "SELECT * FROM suppliers WHERE region = $1",
              },
            },
            kctx,
          )
          .end(at(clock, 48));
      for (let o = 0; o < rolelessPerSkill; o++) {
        const attributes = { "template.name": `template-${o}`, "cache.hit": o % 2 === 0 };
        tracer
          .startSpan(`render ${o}`, { startTime: at(clock, 30 + o), attributes }, kctx)
          .end(at(clock, 31 + o));
      }
      skill.end(at(clock, 50));
      step.end(at(clock, 52));
      clock += 53;
    }
    workflow.end(at(clock, 1));
  }
  await provider.forceFlush();
  const spans: ReadableSpan[] = memory.getFinishedSpans();
  await provider.shutdown();
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < spans.length; i += SPANS_PER_REQUEST) {
    bodies.push(
      ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + SPANS_PER_REQUEST)) as Uint8Array,
    );
  }
  return bodies;
}
