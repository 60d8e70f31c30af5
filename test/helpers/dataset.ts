import { seededRandom } from "../../bench/seeded-random.js";
import { mapSpans } from "../../src/mappers/index.js";
import type { AttributeValue, Span } from "../../src/model/index.js";
import { type Database, writeChanges } from "../../src/store/index.js";
import { span } from "./spans.js";

export const ORGS = ["org-a", "org-b", "org-c"];
export const COMPANIONS = ["companion-1", "companion-2"];
export const USERS = ["user-1", "user-2", "user-3"];
export const SKILLS = ["search", "summarise", "translate", "fetch"];
export const WORKFLOWS = ["report", "onboarding"];
export const BASE_MS = Date.parse("2026-01-05T00:00:00Z");

export interface DatasetOptions {
  readonly seed: number;
  readonly traces: number;
  /** Offset for trace ids, so several datasets can share one database. */
  readonly traceOffset?: number;
  /** Time span the traces' starts are spread over. */
  readonly spreadMs?: number;
}

/** Spans of `traces` workflow executions, each with 1–3 steps running a skill, plus a standalone skill. */
export function datasetSpans(options: DatasetOptions): Span[][] {
  const r = seededRandom(options.seed);
  const spread = options.spreadMs ?? 3 * 24 * 3600 * 1000;
  const traces: Span[][] = [];
  for (let t = 0; t < options.traces; t++) {
    const traceId = ((options.traceOffset ?? 0) + t + 1).toString(16).padStart(32, "0").replace(/^0/, "a");
    const org = r.pick(ORGS);
    const ids: Record<string, AttributeValue> = {
      "organization.id": org,
      "companion.id": r.pick(COMPANIONS),
      "user.id": r.pick(USERS),
      "session.id": `session-${r.int(5)}`,
      "conversation.id": `conversation-${r.int(4)}`,
    };
    let clock = BASE_MS + r.int(spread);
    let n = 0;
    const id = () => (++n).toString(16).padStart(16, "0");
    const spans: Span[] = [];
    const workflowId = id();
    const steps = 1 + r.int(3);
    const workflowStart = clock;
    const workflowName = r.pick(WORKFLOWS);
    for (let s = 1; s <= steps; s++) {
      const stepId = id();
      const stepStart = ++clock;
      const skillStart = ++clock;
      const duration = 5 + r.int(500);
      const outcome = r.pick(["ok", "ok", "ok", "fail", "timeout"]);
      const error = outcome === "ok" ? undefined : outcome === "fail" ? "skill failed" : "skill timed out";
      clock += duration + 2;
      spans.push(
        span({
          traceId,
          spanId: id(),
          parentSpanId: stepId,
          name: "skill",
          startMs: skillStart,
          endMs: skillStart + duration,
          attributes: {
            "skill.name": r.pick(SKILLS),
            "skill.id": `skill-${r.int(4)}`,
            ...(r.next() < 0.5 ? ids : {}),
          },
          error,
        }),
        span({
          traceId,
          spanId: stepId,
          parentSpanId: workflowId,
          name: `step ${s}`,
          startMs: stepStart,
          endMs: clock,
          attributes: { "workflow.step.id": `step-${s}`, "workflow.step.order": s },
          error,
        }),
      );
    }
    const failed = spans.some((s) => s.status.code === 2);
    spans.push(
      span({
        traceId,
        spanId: workflowId,
        name: "workflow",
        startMs: workflowStart,
        endMs: ++clock,
        attributes: {
          "workflow.name": workflowName,
          "workflow.id": `wf-${workflowName}`,
          "workflow.execution.id": `exec-${traceId}`,
          "workflow.total_steps": steps,
          ...ids,
        },
        ...(failed ? { error: "step failed" } : {}),
      }),
    );
    const standaloneId = id();
    const standaloneStart = ++clock;
    spans.push(
      span({
        traceId,
        spanId: standaloneId,
        name: "standalone skill",
        startMs: standaloneStart,
        endMs: clock + 3 + r.int(50),
        attributes: { "skill.name": r.pick(SKILLS), ...ids },
      }),
      // a db query in half of them, an HTTP call too in a quarter (their metadata.performance);
      // from the trace's number, so the rest of the dataset draws what it always drew
      ...(t % 2 === 0
        ? [clientCall(traceId, id(), standaloneId, standaloneStart + 0.25 + (t % 7) / 8, "db")]
        : []),
      ...(t % 4 === 0
        ? [clientCall(traceId, id(), standaloneId, standaloneStart + 1.5 + (t % 5) / 8, "http")]
        : []),
    );
    traces.push(spans);
  }
  return traces;
}

/** A CLIENT span under a skill: a db query or an HTTP call, under a millisecond long. */
function clientCall(
  traceId: string,
  spanId: string,
  parentSpanId: string,
  startMs: number,
  kind: "db" | "http",
): Span {
  return span({
    traceId,
    spanId,
    parentSpanId,
    name: kind === "db" ? "SELECT" : "GET",
    kind: 3,
    startMs,
    endMs: startMs + (kind === "db" ? 0.625 : 0.875),
    attributes: kind === "db" ? { "db.system.name": "postgresql" } : { "http.request.method": "GET" },
  });
}

export async function ingestDataset(db: Database, options: DatasetOptions): Promise<void> {
  for (const spans of datasetSpans(options)) await writeChanges(db, mapSpans(spans));
}
