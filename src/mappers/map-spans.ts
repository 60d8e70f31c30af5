import {
  AI_ROLES,
  type ExecutionChanges,
  isClientCallRole,
  type Span,
  type SpanNode,
  type SpanRole,
  sourceIdToUuid,
} from "../model/index.js";
import { mapAiWorkflow } from "./ai-workflow.js";
import { mapClientCall } from "./client-call.js";
import { FAMILIES, type Recognised, SpanFacts } from "./conventions/index.js";
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
 * split of a trace into batches maps to the same rows (only the AI workflow candidates depend on
 * which spans share a request, see ExecutionChanges.candidates). A span that declares an execution
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

/** A span of the request with the role it is mapped as, and its times (or why they cannot be stored). */
export interface RequestSpan {
  readonly span: Span;
  readonly role: SpanRole;
  readonly recognised: Recognised | undefined;
  readonly timing: ReturnType<typeof spanTiming>;
  /** Why its execution cannot be stored (its node is then a plain span), or null. */
  readonly rejection: string | null;
  /** The role its node in the trace has: "other" when its execution is rejected. */
  readonly nodeRole: SpanRole;
}

/**
 * A request's spans by `trace:span` (the same span twice, from a retrying client, is one span),
 * each with its role: known for every span of the request before any is mapped, so that a span's
 * mapping can look at its ancestors' roles, whichever slice of the request it is mapped in.
 */
export type RequestSpans = ReadonlyMap<string, RequestSpan>;

export function requestSpans(spans: readonly Span[], options: MappingOptions = {}): RequestSpans {
  const request = new Map<string, RequestSpan>();
  for (const received of spans) {
    const key = `${received.traceId}:${received.spanId}`;
    if (!request.has(key)) request.set(key, requestSpan(received, options.rules ?? []));
  }
  return request;
}

function requestSpan(received: Span, rules: readonly MappingRule[]): RequestSpan {
  const ruled = rules.length === 0 ? { span: received } : applyRules(received, rules);
  const span = ruled.span;
  const classified = classify(span);
  const role = ruled.role ?? classified.role;
  const timing = spanTiming(span);
  const rejection =
    role === "other" || isClientCallRole(role)
      ? null
      : "reason" in timing
        ? timing.reason
        : role === "step" && span.parentSpanId === undefined
          ? "a step span must be a child of its workflow span"
          : null;
  return {
    span,
    role,
    recognised: role === classified.role ? classified.recognised : undefined,
    timing,
    rejection,
    nodeRole: rejection === null ? role : "other",
  };
}

/**
 * Roles whose span, as an ancestor, keeps every span below it from being the top of its AI chain:
 * a workflow or step owns them, an AI span is above them (see chainBelow in the store).
 */
const ENCLOSING_ROLES: ReadonlySet<SpanRole> = new Set<SpanRole>([...AI_ROLES, "workflow", "step"]);

/**
 * Whether an AI span may turn out to be the top of its AI chain, as far as its request shows (its
 * workflow candidate is made only then): not when an ancestor in the request is an owner or an AI
 * span, unless the way up leads back to the span (a malformed cycle: the store settles it as a
 * chain of its own, whose top is the first of its spans it meets).
 */
function mayBeTop(span: Span, request: RequestSpans): boolean {
  let enclosed = false;
  const passed = new Set<Span>([span]);
  for (let at = span; at.parentSpanId !== undefined; ) {
    const parent = request.get(`${at.traceId}:${at.parentSpanId}`);
    if (parent === undefined) break;
    if (parent.span === span) return true;
    if (passed.has(parent.span)) break;
    if (ENCLOSING_ROLES.has(parent.nodeRole)) enclosed = true;
    passed.add(parent.span);
    at = parent.span;
  }
  return !enclosed;
}

/** `request`: the spans of the whole request, when `spans` is a slice of it (see mapInSlices). */
export function mapSpans(
  spans: readonly Span[],
  options: MappingOptions = {},
  request: RequestSpans = requestSpans(spans, options),
): ExecutionChanges {
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
  const tenant = options.organizationId === undefined ? null : sourceIdToUuid(options.organizationId);
  const seen = new Set<string>();
  for (const received of spans) {
    // The same span twice in one request (a retrying client) is one span.
    const key = `${received.traceId}:${received.spanId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { span, role, recognised, timing, rejection } =
      request.get(key) ?? requestSpan(received, options.rules ?? []);
    const facts = new SpanFacts(span, role, FAMILIES, recognised);
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
    // times that cannot be stored are always a rejection here; the second test tells the types so
    if (rejection !== null || "reason" in timing) {
      changes.rejected.push({
        reason: `${role} span ${JSON.stringify(span.name)} (trace ${span.traceId}, span ${span.spanId}): ${rejection}`,
      });
      node("other");
      continue;
    }
    const reader = new SpanReader(span, options.organizationId);
    switch (role) {
      case "skill":
      case "tool": {
        const skill = mapSkill(reader, facts, timing);
        changes.skills.push(skill);
        if (role === "tool" && mayBeTop(span, request))
          changes.candidates.push(
            mapAiWorkflow(new SpanReader(span, options.organizationId), facts, timing, { tool: skill }),
          );
        node(role, { execId: skill.execId });
        break;
      }
      case "step": {
        // a step without a parent is rejected above (requestSpan)
        const step = mapStep(reader, facts, timing, span.parentSpanId as string);
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
        if (mayBeTop(span, request)) changes.candidates.push(mapAiWorkflow(reader, facts, timing, undefined));
        node(role);
        break;
      }
      case "llm": {
        const llm = mapLlmCall(reader, facts, timing, prices);
        changes.llmCalls.push(llm);
        if (mayBeTop(span, request))
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
