import type { ExecutionChanges, WorkflowChange } from "../model/index.js";
import type { Database } from "./database.js";
import { mergeChanges } from "./merge-changes.js";
import { summarize, type WriteResult, writeChanges } from "./writer.js";

export interface GroupCommitOptions {
  /** Transactions running at once (1 for PGlite, which has one connection). */
  readonly concurrency: number;
  /** Spans merged into one transaction at most (a single larger batch still goes alone). */
  readonly maxSpansPerTransaction: number;
}

interface Pending {
  readonly changes: ExecutionChanges;
  /** The traces the batch writes to: a transaction holds their locks until it commits. */
  readonly traces: ReadonlySet<string>;
  /** When the batch was queued (performance.now()). */
  readonly queuedAt: number;
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

/**
 * How long a batch waits for the transactions writing its traces before it goes anyway (and
 * waits on their locks instead): a trace that never stops being written cannot hold it back.
 */
const MAX_CONFLICT_WAIT_MS = 1000;

/**
 * Group commit: batches that arrive while a transaction runs are merged into the next one.
 * Each caller is answered only once the transaction holding its spans has committed. When a
 * merged transaction fails, its batches are written again one by one, so a batch that cannot be
 * stored fails alone.
 *
 * A batch that shares a trace with a running transaction waits in the queue, and the batches
 * behind it that do not go first: started, it would only wait for that transaction's trace locks
 * while holding a connection and the locks of its other traces, on which the next batch would
 * wait in turn (an exporter's consecutive requests share the trace cut between them, so
 * concurrent writers formed one queue of lock waits). Order between batches does not matter to
 * what is stored.
 */
export class GroupCommitWriter {
  private readonly queue: Pending[] = [];
  private active = 0;
  /** Traces of the running transactions, with how many of them write each. */
  private readonly writing = new Map<string, number>();
  /** Committed transactions and the batches they held (batches > transactions means grouping happened). */
  readonly committed = { transactions: 0, batches: 0 };
  private idle: Array<() => void> = [];

  constructor(
    private readonly db: Database,
    private readonly options: GroupCommitOptions,
    /** How a transaction's changes are written (the writer; a test observes it). */
    private readonly writeTransaction: typeof writeChanges = writeChanges,
  ) {}

  submit(changes: ExecutionChanges): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      const traces = new Set(changes.nodes.map((node) => node.traceId));
      this.queue.push({ changes, traces, queuedAt: performance.now(), resolve, reject });
      this.pump();
    });
  }

  /** Resolves once everything submitted so far has been answered. */
  drain(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active < this.options.concurrency) {
      const group = this.nextGroup();
      if (group.length === 0) return;
      const traces = group.flatMap((pending) => [...pending.traces]);
      for (const trace of traces) this.writing.set(trace, (this.writing.get(trace) ?? 0) + 1);
      this.active++;
      void this.write(group).finally(() => {
        for (const trace of traces) {
          const left = (this.writing.get(trace) ?? 1) - 1;
          if (left === 0) this.writing.delete(trace);
          else this.writing.set(trace, left);
        }
        this.active--;
        this.pump();
        if (this.active === 0 && this.queue.length === 0) {
          for (const resolve of this.idle.splice(0)) resolve();
        }
      });
    }
  }

  /** The queued batches of the next transaction, taken out of the queue (none when all must wait). */
  private nextGroup(): Pending[] {
    const group: Pending[] = [];
    let spans = 0;
    const now = performance.now();
    for (let i = 0; i < this.queue.length; ) {
      const next = this.queue[i] as Pending;
      if (group.length > 0 && spans + next.changes.nodes.length > this.options.maxSpansPerTransaction) break;
      const waits =
        now - next.queuedAt < MAX_CONFLICT_WAIT_MS && [...next.traces].some((t) => this.writing.has(t));
      if (waits) {
        i++;
        continue;
      }
      group.push(next);
      spans += next.changes.nodes.length;
      this.queue.splice(i, 1);
    }
    return group;
  }

  private async write(group: readonly Pending[]): Promise<void> {
    try {
      const result = await this.writeTransaction(this.db, mergeChanges(group.map((p) => p.changes)));
      this.committed.transactions++;
      this.committed.batches += group.length;
      const told = new Set<string>();
      for (const pending of group) pending.resolve(shareOf(pending.changes, result.aiWorkflows, told));
      return;
    } catch (error) {
      if (group.length === 1) {
        (group[0] as Pending).reject(error);
        return;
      }
    }
    for (const pending of group) {
      try {
        const summary = await this.writeTransaction(this.db, pending.changes);
        this.committed.transactions++;
        this.committed.batches++;
        pending.resolve(summary);
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}

/** One batch's part of a shared transaction's result: its own counts, and the AI workflows of its traces (each told once). */
function shareOf(
  changes: ExecutionChanges,
  aiWorkflows: readonly WorkflowChange[],
  told: Set<string>,
): WriteResult {
  const traces = new Set(changes.nodes.map((node) => node.traceId));
  const mine = aiWorkflows.filter((w) => traces.has(w.traceId) && !told.has(w.wkexId));
  for (const w of mine) told.add(w.wkexId);
  const summary = summarize(changes);
  return { ...summary, workflows: summary.workflows + mine.length, aiWorkflows: mine };
}
