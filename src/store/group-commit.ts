import type { ExecutionChanges } from "../model/index.js";
import type { Database } from "./database.js";
import { mergeChanges } from "./merge-changes.js";
import { summarize, type WriteSummary, writeChanges } from "./writer.js";

export interface GroupCommitOptions {
  /** Transactions running at once (1 for PGlite, which has one connection). */
  readonly concurrency: number;
  /** Spans merged into one transaction at most (a single larger batch still goes alone). */
  readonly maxSpansPerTransaction: number;
}

interface Pending {
  readonly changes: ExecutionChanges;
  resolve(summary: WriteSummary): void;
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

  submit(changes: ExecutionChanges): Promise<WriteSummary> {
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
      await writeChanges(this.db, mergeChanges(group.map((p) => p.changes)));
      this.committed.transactions++;
      this.committed.batches += group.length;
      for (const pending of group) pending.resolve(summarize(pending.changes));
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
