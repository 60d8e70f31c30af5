import {
  type ExecutionChanges,
  isClientCallRole,
  type Span,
  type SpanNode,
  type SpanRole,
  sourceIdToUuid,
} from "../model/index.js";
import { mapAiWorkflow } from "./ai-workflow.js";
import { mapClientCall } from "./client-call.js";
import { FAMILIES, SpanFacts } from "./conventions/index.js";
import { mapEntrySpan } from "./entry-span.js";
import { mapLlmCall } from "./llm-call.js";
import { applyRules, type MappingRule } from "./mapping-rules.js";
import { DEFAULT_PRICES, type ModelPrice } from "./prices.js";
import { classify } from "./roles.js";
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
  /**
   * The configuration's mapping rules, tried in order before the built-in conventions (execlens',
   * then the instrumentation families', see FAMILIES).
   */
  readonly rules?: readonly MappingRule[];
  /**
   * The organisation the request's ingest key pins: every row is stored under it, whatever the
   * spans say (their own value is kept in `metadata.source_ids.span_organization_id`).
   */
  readonly organizationId?: string;
}

export function mapSpans(spans: readonly Span[], options: MappingOptions = {}): ExecutionChanges {
  const prices = options.prices ?? DEFAULT_PRICES;
  const changes: ExecutionChanges = {
    nodes: [],
    workflows: [],
    candidates: [],
    llmCalls: [],
    clientCalls: [],
    entrySpans: [],
    steps: [],
    skills: [],
    rejected: [],
  };
  const seen = new Set<string>();
  const tenant = options.organizationId === undefined ? null : sourceIdToUuid(options.organizationId);
  const rules = options.rules ?? [];
  for (const received of spans) {
    // The same span twice in one request (a retrying client) is one span.
    const key = `${received.traceId}:${received.spanId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ruled = rules.length === 0 ? { span: received } : applyRules(received, rules);
    const span = ruled.span;
    const classified = classify(span);
    const role = ruled.role ?? classified.role;
    const facts = new SpanFacts(
      span,
      role,
      FAMILIES,
      role === classified.role ? classified.recognised : undefined,
    );
    const node = (as: SpanRole, ids: Partial<Pick<SpanNode, "execId" | "wkexId" | "stepOrder">> = {}) =>
      changes.nodes.push({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? null,
        parentIsRemote: span.parentIsRemote,
        role: as,
        execId: ids.execId ?? null,
        wkexId: ids.wkexId ?? null,
        stepOrder: ids.stepOrder ?? null,
        tenant,
      });
    const timing = spanTiming(span);
    const entry = "reason" in timing ? null : mapEntrySpan(span, timing);
    if (entry !== null) changes.entrySpans.push(entry);
    if (role === "other") {
      node(role);
      continue;
    }
    if (isClientCallRole(role)) {
      changes.clientCalls.push(mapClientCall(role, facts, "reason" in timing ? undefined : timing));
      node(role);
      continue;
    }
    // a function: the text is only needed for a rejection
    const describe = () =>
      `${role} span ${JSON.stringify(span.name)} (trace ${span.traceId}, span ${span.spanId})`;
    if ("reason" in timing) {
      changes.rejected.push({ reason: `${describe()}: ${timing.reason}` });
      node("other");
      continue;
    }
    const reader = new SpanReader(span, options.organizationId);
    switch (role) {
      case "skill":
      case "tool": {
        const skill = mapSkill(reader, facts, timing);
        changes.skills.push(skill);
        if (role === "tool")
          changes.candidates.push(
            mapAiWorkflow(new SpanReader(span, options.organizationId), facts, timing, { tool: skill }),
          );
        node(role, { execId: skill.execId });
        break;
      }
      case "step": {
        if (span.parentSpanId === undefined) {
          changes.rejected.push({
            reason: `${describe()}: a step span must be a child of its workflow span`,
          });
          node("other");
          break;
        }
        const step = mapStep(reader, facts, timing, span.parentSpanId);
        changes.steps.push(step);
        node(role, { execId: step.wstpId, wkexId: step.wkexId, stepOrder: step.stepOrder });
        break;
      }
      case "workflow": {
        const workflow = mapWorkflow(reader, facts, timing);
        changes.workflows.push(workflow);
        node(role, { execId: workflow.wkexId, wkexId: workflow.wkexId });
        break;
      }
      case "ai_call": {
        changes.candidates.push(mapAiWorkflow(reader, facts, timing, undefined));
        node(role);
        break;
      }
      case "llm": {
        const llm = mapLlmCall(reader, facts, timing, prices);
        changes.llmCalls.push(llm);
        changes.candidates.push(
          mapAiWorkflow(new SpanReader(span, options.organizationId), facts, timing, { llm }),
        );
        node(role);
        break;
      }
    }
  }
  return changes;
}
