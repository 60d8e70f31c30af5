import type { ExecutionOutcome } from "../model/index.js";

export interface AlertmanagerOptions {
  /** Base URL of the Alertmanager, e.g. http://127.0.0.1:9093 */
  readonly url: string;
  /** Base URL of execlens' API, for links in the annotations. */
  readonly apiUrl: string;
  /** Alerts waiting to be sent at most; past it new alerts are dropped and counted. */
  readonly maxQueued?: number;
  readonly onError?: (error: unknown) => void;
}

interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly generatorURL: string;
}

const ALERT_STATUSES = new Set(["failed", "timeout"]);
const BATCH = 100;

/**
 * Posts each failed or timed-out execution to Alertmanager (POST /api/v2/alerts), from its own
 * bounded queue so that a slow or absent Alertmanager never slows ingest; undelivered batches
 * are retried with backoff, and alerts dropped from a full queue are counted.
 */
export class AlertmanagerNotifier {
  private readonly queue: PostableAlert[] = [];
  private sending: Promise<void> | undefined;
  private readonly maxQueued: number;
  dropped = 0;
  sent = 0;

  constructor(private readonly options: AlertmanagerOptions) {
    this.maxQueued = options.maxQueued ?? 10_000;
  }

  notify(outcomes: readonly ExecutionOutcome[], now = new Date()): void {
    for (const outcome of outcomes) {
      if (!ALERT_STATUSES.has(outcome.status)) continue;
      if (this.queue.length >= this.maxQueued) {
        this.dropped++;
        continue;
      }
      this.queue.push(this.alertOf(outcome, now));
    }
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
    });
  }

  /** Resolves once the queue is empty (or sending gave up for now). */
  async flush(): Promise<void> {
    await this.sending;
  }

  private alertOf(outcome: ExecutionOutcome, now: Date): PostableAlert {
    const path =
      outcome.kind === "skill"
        ? `/api/skill-executions/${encodeURIComponent(outcome.executionId)}`
        : `/api/workflow-executions/${encodeURIComponent(outcome.executionId)}`;
    return {
      labels: {
        alertname: outcome.status === "timeout" ? "ExeclensExecutionTimedOut" : "ExeclensExecutionFailed",
        kind: outcome.kind,
        name: outcome.name,
        status: outcome.status,
        organisation: outcome.organizationId ?? "",
        execution_id: outcome.executionId,
      },
      annotations: {
        summary: `${outcome.kind} ${outcome.name} ${outcome.status === "timeout" ? "timed out" : "failed"}`,
        error: outcome.errorMessage ?? "",
        execution: `${this.options.apiUrl}${path}`,
      },
      startsAt: now.toISOString(),
      generatorURL: `${this.options.apiUrl}${path}`,
    };
  }

  private async drain(): Promise<void> {
    let backoff = 500;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, BATCH);
      try {
        const response = await fetch(new URL("/api/v2/alerts", this.options.url), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(batch),
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok)
          throw new Error(`Alertmanager answered ${response.status}: ${await response.text()}`);
        this.queue.splice(0, batch.length);
        this.sent += batch.length;
        backoff = 500;
      } catch (error) {
        this.options.onError?.(error);
        if (backoff > 30_000) return;
        await new Promise((resolve) => setTimeout(resolve, backoff).unref());
        backoff *= 2;
      }
    }
  }
}
