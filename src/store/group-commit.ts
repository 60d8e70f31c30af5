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
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit: batches that arrive while a transaction runs are merged into the next one.
 * Each caller is answered only once the transaction holding its spans has committed. When a
 * merged transaction fails, its batches are written again one by one, so a batch that cannot be
 * stored fails alone.
 */
export class GroupCommitWriter {
  private readonly queue: Pending[] = [];
  private active = 0;
  /** Committed transactions and the batches they held (batches > transactions means grouping happened). */
  readonly committed = { transactions: 0, batches: 0 };
  private idle: Array<() => void> = [];

  constructor(
    private readonly db: Database,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(changes: ExecutionChanges): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ changes, resolve, reject });
      this.pump();
    });
  }

  /** Resolves once everything submitted so far has been answered. */
  drain(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active < this.options.concurrency && this.queue.length > 0) {
      const group: Pending[] = [];
      let spans = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0] as Pending;
        if (group.length > 0 && spans + next.changes.nodes.length > this.options.maxSpansPerTransaction)
          break;
        group.push(next);
        spans += next.changes.nodes.length;
        this.queue.shift();
      }
      this.active++;
      void this.write(group).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.queue.length === 0) {
          for (const resolve of this.idle.splice(0)) resolve();
        }
      });
    }
  }

  private async write(group: readonly Pending[]): Promise<void> {
    try {
      const result = await writeChanges(this.db, mergeChanges(group.map((p) => p.changes)));
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
        const summary = await writeChanges(this.db, pending.changes);
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
