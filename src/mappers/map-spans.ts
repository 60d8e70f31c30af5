import type { Span } from "../collector/index.js";
import type { ExecutionChanges, SpanNode, SpanRole } from "./changes.js";
import { mapSkill } from "./skill.js";
import { SpanReader } from "./span-reader.js";
import { mapStep } from "./step.js";
import { spanTiming } from "./timing.js";
import { mapWorkflow } from "./workflow.js";

/** The execlens conventions: which span attributes declare which kind of execution. */
export function roleOf(span: Span): SpanRole {
  const has = (key: string) => span.attributes[key] !== undefined && span.attributes[key] !== null;
  if (has("skill.id") || has("skill.name")) return "skill";
  if (has("workflow.step.id") || has("workflow.step.order")) return "step";
  if (has("workflow.id") || has("workflow.name") || has("workflow.execution.id")) return "workflow";
  return "other";
}

/**
 * Spans in, execution row changes out. Pure: the result depends on the spans alone, so any
 * split of a trace into batches maps to the same changes. A span that declares an execution
 * but cannot be stored is rejected with a reason and still kept as a plain node of its trace.
 */
export function mapSpans(spans: readonly Span[]): ExecutionChanges {
  const changes: ExecutionChanges = { nodes: [], workflows: [], steps: [], skills: [], rejected: [] };
  const seen = new Set<string>();
  for (const span of spans) {
    // The same span twice in one request (a retrying client) is one span.
    const key = `${span.traceId}:${span.spanId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = { traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? null };
    const role = roleOf(span);
    const plain: SpanNode = { ...node, role: "other", execId: null, wkexId: null };
    if (role === "other") {
      changes.nodes.push(plain);
      continue;
    }
    const timing = spanTiming(span);
    const describe = `${role} span ${JSON.stringify(span.name)} (trace ${span.traceId}, span ${span.spanId})`;
    if ("reason" in timing) {
      changes.rejected.push({ reason: `${describe}: ${timing.reason}` });
      changes.nodes.push(plain);
      continue;
    }
    const reader = new SpanReader(span);
    switch (role) {
      case "skill": {
        const skill = mapSkill(reader, timing);
        changes.skills.push(skill);
        changes.nodes.push({ ...node, role, execId: skill.execId, wkexId: null });
        break;
      }
      case "step": {
        if (span.parentSpanId === undefined) {
          changes.rejected.push({ reason: `${describe}: a step span must be a child of its workflow span` });
          changes.nodes.push(plain);
          break;
        }
        const step = mapStep(reader, timing, span.parentSpanId);
        changes.steps.push(step);
        changes.nodes.push({ ...node, role, execId: step.wstpId, wkexId: step.wkexId });
        break;
      }
      case "workflow": {
        const workflow = mapWorkflow(reader, timing);
        changes.workflows.push(workflow);
        changes.nodes.push({ ...node, role, execId: workflow.wkexId, wkexId: workflow.wkexId });
        break;
      }
    }
  }
  return changes;
}
