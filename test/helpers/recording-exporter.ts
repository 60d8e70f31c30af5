import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

/** Wraps a real exporter and remembers which spans it delivered and which it gave up on. */
export class RecordingExporter implements SpanExporter {
  readonly delivered: ReadableSpan[] = [];
  readonly failed: ReadableSpan[] = [];

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      (result.code === ExportResultCode.SUCCESS ? this.delivered : this.failed).push(...spans);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
