import { ERROR_STATUSES, type ExecutionOutcome, isOneOf } from "../model/index.js";
import { createDeliveryQueue, type DeliveryEvents, type DeliveryQueue, post } from "../outbound/index.js";

export interface AlertmanagerOptions extends DeliveryEvents {
  /** Base URL of the Alertmanager, e.g. http://127.0.0.1:9093 */
  readonly url: string;
  /** Base URL of execlens' API, for links in the annotations. */
  readonly apiUrl: string;
  /** Alerts waiting to be sent at most; past it new alerts are dropped and counted. */
  readonly maxQueued?: number;
}

interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly generatorURL: string;
}

/**
 * Posts each failed or timed-out execution to Alertmanager (POST /api/v2/alerts), from its own
 * bounded queue so that a slow or absent Alertmanager never slows ingest; undelivered batches
 * are retried with backoff, and alerts given up on are reported.
 */
export class AlertmanagerNotifier {
  private readonly queue: DeliveryQueue<PostableAlert>;
  private readonly apiUrl: string;

  constructor(options: AlertmanagerOptions) {
    const { url, apiUrl, maxQueued = 10_000, ...events } = options;
    this.apiUrl = apiUrl;
    const endpoint = new URL("/api/v2/alerts", url);
    this.queue = createDeliveryQueue<PostableAlert>({
      ...events,
      budget: maxQueued,
      maxBatch: 100,
      // About 30 s of trying (7 attempts, 0.5 s apart and doubling): an alert is worth most while it
      // is fresh, so a batch is not kept for long.
      maxAttempts: 7,
      initialBackoffMs: 500,
      send: (alerts, signal) =>
        post(
          { url: endpoint, headers: { "content-type": "application/json" }, body: JSON.stringify(alerts) },
          signal,
        ),
    });
  }

  notify(outcomes: readonly ExecutionOutcome[], now = new Date()): void {
    const alerts = outcomes.filter((o) => isOneOf(ERROR_STATUSES, o.status)).map((o) => this.alertOf(o, now));
    if (alerts.length > 0) this.queue.offer(alerts);
  }

  /**
   * Waits up to graceMs for the queued alerts to be posted, then gives up on the rest
   * (counted as dropped: shutdown).
   */
  close(graceMs: number): Promise<void> {
    return this.queue.stop(graceMs);
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
        execution: `${this.apiUrl}${path}`,
      },
      startsAt: now.toISOString(),
      generatorURL: `${this.apiUrl}${path}`,
    };
  }
}
