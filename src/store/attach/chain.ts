import { AI_ROLES, type SpanRole, workflowExecutionId } from "../../model/index.js";

/**
 * What the chain of ancestors above a span says, as far as it is known: the declared workflow
 * (or step) that owns it, the topmost AI span on the way, the nearest skill and model request;
 * or, while an ancestor has not arrived, which span the chain waits for.
 */
export interface Chain {
  readonly owner: Owner | null;
  /** Span id of the topmost AI span below the owner (it becomes the workflow when there is no owner). */
  readonly topAi: string | null;
  /** exec_id of the nearest skill: db and http calls count into it. */
  readonly nearSkill: string | null;
  /** Span id of the nearest model request: a request below another makes that one a wrapper. */
  readonly nearLlm: string | null;
  /** The ancestor that has not arrived (null: the chain reaches an owner or a root). */
  readonly waitingFor: string | null;
  /**
   * An open chain treated as complete at its topmost known span: its top's parent is in another
   * process (remote), or its trace went quiet before the ancestor came. Corrected if it comes.
   */
  readonly settled: boolean;
}

export interface Owner {
  readonly wkexId: string;
  readonly wstpId: string | null;
  readonly stepOrder: number | null;
}

/** A span as the index keeps it: its role and own ids, and the chain above it. */
export interface IndexedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly role: SpanRole;
  /** skill exec_id, step wstp_id or workflow wkex_id. */
  readonly execId: string | null;
  /** A step's workflow execution. */
  readonly stepWkexId: string | null;
  readonly stepOrder: number | null;
  /** The organisation an ingest key pinned the span to (see SpanNode.tenant). */
  readonly tenant: string | null;
  readonly above: Chain;
}

export const ROOT: Chain = {
  owner: null,
  topAi: null,
  nearSkill: null,
  nearLlm: null,
  waitingFor: null,
  settled: false,
};

export function waitingFor(spanId: string, settled: boolean): Chain {
  return { ...ROOT, waitingFor: spanId, settled };
}

/** The chain a child of `span` sees. */
export function chainBelow(span: IndexedSpan): Chain {
  if (span.role === "workflow") {
    return { ...ROOT, owner: { wkexId: span.execId as string, wstpId: null, stepOrder: null } };
  }
  if (span.role === "step") {
    const owner = { wkexId: span.stepWkexId as string, wstpId: span.execId, stepOrder: span.stepOrder };
    return { ...ROOT, owner };
  }
  const above = span.above;
  return {
    ...above,
    topAi: above.topAi ?? (AI_ROLES.has(span.role) ? span.spanId : null),
    nearSkill: span.role === "skill" || span.role === "tool" ? span.execId : above.nearSkill,
    nearLlm: span.role === "llm" ? span.spanId : above.nearLlm,
  };
}

/** An open chain continued by what its missing ancestor turned out to have above it. */
export function extend(open: Chain, ancestor: Chain): Chain {
  return {
    owner: ancestor.owner,
    topAi: ancestor.topAi ?? open.topAi,
    nearSkill: open.nearSkill ?? ancestor.nearSkill,
    nearLlm: open.nearLlm ?? ancestor.nearLlm,
    waitingFor: ancestor.waitingFor,
    settled: open.settled || ancestor.settled,
  };
}

export function isResolved(chain: Chain): boolean {
  return chain.waitingFor === null || chain.settled;
}

/** Where a span whose chain is resolved belongs. */
export interface Attachment {
  /** Its workflow execution: the owner's, else the topmost AI span's, else its own when it is AI. */
  readonly wkexId: string | null;
  readonly owner: Owner | null;
  readonly nearSkill: string | null;
  /** A model request above this one (before the owner): a wrapper, not counted. */
  readonly wrapperOf: string | null;
  /** The span is the topmost AI span of its chain: it becomes a workflow execution. */
  readonly standalone: boolean;
}

export function attachmentOf(span: IndexedSpan): Attachment | null {
  const above = span.above;
  if (!isResolved(above) || span.role === "workflow" || span.role === "step" || span.role === "other") {
    return null;
  }
  const standalone = above.owner === null && above.topAi === null && AI_ROLES.has(span.role);
  const top = above.topAi ?? (standalone ? span.spanId : null);
  return {
    wkexId: above.owner?.wkexId ?? (top === null ? null : workflowExecutionId(span.traceId, top)),
    owner: above.owner,
    nearSkill: above.nearSkill,
    wrapperOf: span.role === "llm" ? above.nearLlm : null,
    standalone,
  };
}

export function sameAttachment(a: Attachment | null, b: Attachment | null): boolean {
  return (
    a === b ||
    (a !== null &&
      b !== null &&
      a.wkexId === b.wkexId &&
      a.owner?.wstpId === b.owner?.wstpId &&
      a.nearSkill === b.nearSkill &&
      a.wrapperOf === b.wrapperOf &&
      a.standalone === b.standalone)
  );
}
