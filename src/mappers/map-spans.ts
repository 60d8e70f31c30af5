import type { ExecutionChanges, Span, SpanNode } from "../model/index.js";
import { roleOf } from "./conventions.js";
import { mapLlmCall } from "./llm-call.js";
import { applyRules, type MappingRule } from "./mapping-rules.js";
import { DEFAULT_PRICES, type ModelPrice } from "./prices.js";
import { mapSkill } from "./skill.js";
import { SpanReader } from "./span-reader.js";
import { mapStep } from "./step.js";
import { spanTiming } from "./timing.js";
import { mapWorkflow } from "./workflow.js";

/**
 * Spans in, execution row changes out. Pure: the result depends on the spans alone, so any
 * split of a trace into batches maps to the same changes. A span that declares an execution
 * but cannot be stored is rejected with a reason and still kept as a plain node of its trace.
 */
export interface MappingOptions {
  /** Model prices, shipped ones first, configured ones last (see priceOf). */
  readonly prices?: readonly ModelPrice[];
  /** The configuration's mapping rules, tried in order before the built-in conventions. */
  readonly rules?: readonly MappingRule[];
}

export function mapSpans(spans: readonly Span[], options: MappingOptions = {}): ExecutionChanges {
  const prices = options.prices ?? DEFAULT_PRICES;
  const changes: ExecutionChanges = {
    nodes: [],
    workflows: [],
    aiCalls: [],
    llmCalls: [],
    steps: [],
    skills: [],
    rejected: [],
  };
  const seen = new Set<string>();
  const rules = options.rules ?? [];
  for (const received of spans) {
    // The same span twice in one request (a retrying client) is one span.
    const key = `${received.traceId}:${received.spanId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ruled = rules.length === 0 ? { span: received } : applyRules(received, rules);
    const span = ruled.span;
    const node = { traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? null };
    const role = ruled.role ?? roleOf(span);
    const plain: SpanNode = { ...node, role: "other", execId: null, wkexId: null };
    if (role === "other" || role === "db" || role === "http") {
      changes.nodes.push({ ...plain, role });
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
      case "ai_call": {
        const call = mapWorkflow(reader, timing);
        changes.aiCalls.push(call);
        changes.nodes.push({ ...node, role, execId: call.wkexId, wkexId: null });
        break;
      }
      case "llm": {
        changes.llmCalls.push(mapLlmCall(reader, timing, prices));
        changes.nodes.push({ ...node, role, execId: null, wkexId: null });
        break;
      }
    }
  }
  return changes;
}
