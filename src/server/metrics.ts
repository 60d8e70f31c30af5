import { type Attributes, type Counter, type Histogram, ValueType } from "@opentelemetry/api";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import type { ExecutionOutcome, LlmCallChange } from "../model/index.js";
import { type Database, stuckWorkflowCounts } from "../store/index.js";

/** Distinct skill/workflow names kept as label values; later ones are counted as "other". */
const MAX_NAMES = 200;
const DURATION_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export interface MetricsOptions {
  readonly db: Database;
  /** A workflow running or paused longer than this counts as stuck. */
  readonly stuckAfterMs: number;
}

/**
 * Execution counters and duration histograms by kind, status and name (bounded), ingest
 * counters, and a gauge of stuck workflows read from the database at scrape time; OpenTelemetry
 * metrics, served in the Prometheus text format.
 */
export class ExeclensMetrics {
  private readonly exporter = new PrometheusExporter({ preventServerStart: true });
  private readonly serializer = new PrometheusSerializer();
  private readonly provider = new MeterProvider({ readers: [this.exporter] });
  private readonly names = new Set<string>();
  private readonly executions: Counter;
  private readonly durations: Histogram;
  private readonly spans: Counter;
  private readonly rejected: Counter;
  private readonly forwarded: Counter;
  private readonly refused: Counter;
  private readonly modelRequests: Counter;

  constructor(options: MetricsOptions) {
    const meter = this.provider.getMeter("execlens");
    this.executions = meter.createCounter("execlens_executions", {
      description: "Execution spans stored, by kind, status and skill/workflow name",
      valueType: ValueType.INT,
    });
    this.durations = meter.createHistogram("execlens_execution_duration_seconds", {
      description: "Duration of stored executions",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS },
    });
    this.spans = meter.createCounter("execlens_spans_received", {
      description: "Spans received",
      valueType: ValueType.INT,
    });
    this.rejected = meter.createCounter("execlens_spans_rejected", {
      description: "Spans rejected through partial success",
      valueType: ValueType.INT,
    });
    this.modelRequests = meter.createCounter("execlens_model_requests", {
      description:
        "Model requests (leaf LLM spans) by model (bounded) and whether the price table knows it; priced=false keeps the tokens, cost null",
      valueType: ValueType.INT,
    });
    this.forwarded = meter.createCounter("execlens_forward_requests", {
      description:
        "OTLP requests forwarded downstream (outcome sent) or given up on (outcome dropped, by reason)",
      valueType: ValueType.INT,
    });
    this.refused = meter.createCounter("execlens_ingest_requests_refused", {
      description:
        "OTLP requests answered with an error, by reason (unauthenticated, bad_request, payload_too_large, busy, unavailable, …): nothing of them stored",
      valueType: ValueType.INT,
    });
    meter
      .createObservableGauge("execlens_workflows_stuck", {
        description: `Workflow executions running or paused for longer than ${options.stuckAfterMs} ms`,
        valueType: ValueType.INT,
      })
      .addCallback(async (result) => {
        const counts = await stuckWorkflowCounts(options.db, options.stuckAfterMs);
        for (const [status, n] of Object.entries(counts)) result.observe(n, { status });
      });
  }

  private label(name: string): string {
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_NAMES) return "other";
    this.names.add(name);
    return name;
  }

  record(outcomes: readonly ExecutionOutcome[]): void {
    for (const outcome of outcomes) {
      const attributes: Attributes = {
        kind: outcome.kind,
        status: outcome.status,
        name: this.label(outcome.name),
      };
      this.executions.add(1, attributes);
      if (outcome.durationMs !== null) this.durations.record(outcome.durationMs / 1000, attributes);
    }
  }

  recordSpans(received: number, rejected: number): void {
    this.spans.add(received);
    if (rejected > 0) this.rejected.add(rejected);
  }

  recordModelRequests(calls: readonly Pick<LlmCallChange, "model" | "costUsd" | "totalTokens">[]): void {
    for (const call of calls) {
      const priced = call.costUsd !== null || call.totalTokens === 0;
      this.modelRequests.add(1, { model: this.label(call.model ?? "unknown"), priced: String(priced) });
    }
  }

  recordRefusedRequest(reason: string): void {
    this.refused.add(1, { reason });
  }

  recordForward(outcome: "sent" | "dropped", count: number, reason?: string): void {
    this.forwarded.add(count, reason === undefined ? { outcome } : { outcome, reason });
  }

  /** The Prometheus text exposition of every instrument. */
  async scrape(): Promise<string> {
    const { resourceMetrics } = await this.exporter.collect();
    return this.serializer.serialize(resourceMetrics);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
