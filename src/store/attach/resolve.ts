import type { SpanNode } from "../../model/index.js";
import {
  type Attachment,
  attachmentOf,
  type Chain,
  chainBelow,
  extend,
  type IndexedSpan,
  isResolved,
  ROOT,
  sameAttachment,
  waitingFor,
} from "./chain.js";

/** What the index holds that a batch needs: its spans' parents (and the spans, if re-delivered), and the spans waiting for them. */
export interface StoredContext {
  /** Index entries by `trace:span`. */
  readonly known: ReadonlyMap<string, IndexedSpan>;
  /** Entries whose chain waits for one of the batch's spans. */
  readonly waiting: readonly IndexedSpan[];
  /** The batch's traces the index holds spans of: the others have nothing stored. */
  readonly indexedTraces: ReadonlySet<string>;
  /** Traces settled earlier: their open chains are settled as they arrive. */
  readonly settledTraces: ReadonlySet<string>;
  /** The batch's traces that are open and not settled: their quiet clock moves on. */
  readonly openTraces: ReadonlySet<string>;
  /** The batch's traces with entry spans stored earlier. */
  readonly enteredTraces: ReadonlySet<string>;
}

export interface Resolution {
  /** Index entries to write: the batch's spans and the stored entries whose chain changed. */
  readonly entries: IndexedSpan[];
  /** The batch's spans whose place is known, with it. */
  readonly batch: Placed[];
  /** Stored spans (not in the batch) whose place is new or changed. */
  readonly changed: Placed[];
  /**
   * Workflow executions made of an AI span settled as the top of its chain, which a late
   * ancestor now encloses: their rows go, their children moved to the enclosing workflow.
   */
  readonly retired: string[];
}

export interface Placed {
  readonly span: IndexedSpan;
  readonly attachment: Attachment;
}

export const keyOf = (traceId: string, spanId: string) => `${traceId}:${spanId}`;

/** A parent pinned to another tenant than its child (by their ingest keys) is not its ancestor. */
const otherTenant = (child: { tenant: string | null }, parent: { tenant: string | null }) =>
  child.tenant !== parent.tenant;

/**
 * Places a batch of spans in their traces, in memory: each span's chain is followed through the
 * batch, then through the index entry of the first ancestor outside it; the stored spans waiting
 * for one of the batch's spans are continued by what is now known above it. Chains that wait for
 * the same missing ancestor are settled together: when one of them is (a remote parent, a quiet
 * trace), all are.
 */
export function resolveBatch(nodes: readonly SpanNode[], stored: StoredContext): Resolution {
  const inBatch = new Map<string, SpanNode>();
  const nodeKeys = nodes.map((node) => keyOf(node.traceId, node.spanId));
  // index loops: an entries() iterator would make a pair per span
  for (let i = 0; i < nodes.length; i++) inBatch.set(nodeKeys[i] as string, nodes[i] as SpanNode);
  const indexed = new Map<string, IndexedSpan>();

  // each span's key is made once here and carried down the path: these run for every span, so the
  // path's two arrays are made once and emptied for each
  const path: SpanNode[] = [];
  const pathKeys: string[] = [];
  const indexOf = (node: SpanNode, nodeKey: string): void => {
    if (indexed.has(nodeKey)) return;
    // walk up through the batch to the first span whose chain is known, then come back down
    path.length = 0;
    pathKeys.length = 0;
    let chain: Chain | undefined;
    let key = nodeKey;
    for (let at: SpanNode | undefined = node; at !== undefined; ) {
      const done = indexed.get(key);
      if (done !== undefined) {
        chain = chainBelow(done);
        break;
      }
      // a chain is a few spans long: a search of the path is cheaper than a set per span
      if (path.includes(at)) {
        // a parent cycle (a malformed payload): the chain waits for a span that can never close it
        chain = waitingFor(at.spanId, false);
        break;
      }
      path.push(at);
      pathKeys.push(key);
      const parentId = at.parentSpanId;
      if (parentId === null) {
        chain = ROOT;
        at = undefined;
        break;
      }
      const parentKey = keyOf(at.traceId, parentId);
      const parent = inBatch.get(parentKey);
      if (parent !== undefined && otherTenant(at, parent)) {
        chain = ROOT;
        break;
      }
      if (parent !== undefined) {
        at = parent;
        key = parentKey;
        continue;
      }
      const storedParent = stored.known.get(parentKey);
      chain =
        storedParent === undefined
          ? waitingFor(parentId, at.parentIsRemote === true || stored.settledTraces.has(at.traceId))
          : otherTenant(at, storedParent)
            ? ROOT
            : chainBelow(storedParent);
      break;
    }
    let above = chain ?? ROOT;
    for (let i = path.length - 1; i >= 0; i--) {
      const span = path[i] as SpanNode;
      const entry: IndexedSpan = {
        traceId: span.traceId,
        spanId: span.spanId,
        role: span.role,
        execId: span.execId,
        stepWkexId: span.role === "step" ? span.wkexId : null,
        stepOrder: span.stepOrder,
        tenant: span.tenant,
        above,
      };
      indexed.set(pathKeys[i] as string, entry);
      above = chainBelow(entry);
    }
  };
  for (let i = 0; i < nodes.length; i++) indexOf(nodes[i] as SpanNode, nodeKeys[i] as string);
  // A stored ancestor's chain may wait for a span of this very batch: continue it there, until no
  // chain waits for one (a pass per such gap on the longest chain; a parent cycle stops changing).
  for (let pass = 0; pass <= indexed.size; pass++) {
    let changed = false;
    // forEach: a for-of over the map would make an entry pair per span
    indexed.forEach((span, key) => {
      const missing = span.above.waitingFor;
      if (missing === null) return;
      const ancestor = indexed.get(keyOf(span.traceId, missing));
      if (ancestor === undefined || ancestor === span) return;
      const above = extend(span.above, otherTenant(span, ancestor) ? ROOT : chainBelow(ancestor));
      if (above.waitingFor === missing) return;
      indexed.set(key, { ...span, above });
      changed = true;
    });
    if (!changed) break;
  }

  // a re-delivered span that was waiting is placed afresh with the batch
  const continued = stored.waiting
    .filter((span) => !inBatch.has(keyOf(span.traceId, span.spanId)))
    .map((span) => {
      const ancestor = indexed.get(keyOf(span.traceId, span.above.waitingFor as string)) as IndexedSpan;
      const above = extend(span.above, otherTenant(span, ancestor) ? ROOT : chainBelow(ancestor));
      return { span, now: { ...span, above } };
    });

  // settled together: every chain waiting for a missing ancestor another settled chain waits for
  const settledMissing = new Set<string>();
  const noteSettled = (span: IndexedSpan) => {
    if (span.above.waitingFor !== null && span.above.settled) {
      settledMissing.add(keyOf(span.traceId, span.above.waitingFor));
    }
  };
  indexed.forEach(noteSettled);
  for (const { now } of continued) noteSettled(now);
  const settle = (span: IndexedSpan): IndexedSpan =>
    span.above.waitingFor !== null &&
    !span.above.settled &&
    settledMissing.has(keyOf(span.traceId, span.above.waitingFor))
      ? { ...span, above: { ...span.above, settled: true } }
      : span;

  const entries: IndexedSpan[] = [];
  const batch: Placed[] = [];
  const retired: string[] = [];
  const retire = (before: IndexedSpan | undefined, now: Attachment | null) => {
    const previous = before === undefined ? null : attachmentOf(before);
    if (previous?.standalone === true && now?.standalone !== true && previous.wkexId !== null) {
      retired.push(previous.wkexId);
    }
    return previous;
  };
  const waitingByKey = new Map(stored.waiting.map((span) => [keyOf(span.traceId, span.spanId), span]));
  indexed.forEach((span, key) => {
    const settled = settle(span);
    entries.push(settled);
    const attachment = attachmentOf(settled);
    if (attachment !== null) batch.push({ span: settled, attachment });
    retire(waitingByKey.get(key) ?? stored.known.get(key), attachment);
  });
  const changed: Placed[] = [];
  for (const { span: before, now } of continued) {
    const settled = settle(now);
    entries.push(settled);
    const attachment = attachmentOf(settled);
    const previous = retire(before, attachment);
    if (attachment !== null && !sameAttachment(attachment, previous))
      changed.push({ span: settled, attachment });
  }
  return { entries, batch, changed, retired };
}

/** Stored entries of traces that went quiet, settled at their topmost known span. */
export function settleEntries(open: readonly IndexedSpan[]): Resolution {
  const entries = open.map((span) => ({ ...span, above: { ...span.above, settled: true } }));
  const changed: Placed[] = [];
  for (const span of entries) {
    const attachment = attachmentOf(span);
    if (attachment !== null) changed.push({ span, attachment });
  }
  return { entries, batch: [], changed, retired: [] };
}

/** Whether a span still waits for an ancestor to know where it belongs (it keeps its trace open). */
export function isPending(span: IndexedSpan): boolean {
  return !isResolved(span.above) && span.role !== "other" && span.role !== "workflow" && span.role !== "step";
}
