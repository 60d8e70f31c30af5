import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter as GrpcExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

export function grpcExporter(address: string, gzip: boolean): SpanExporter {
  return new GrpcExporter({
    url: `http://${address}`,
    compression: gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
  });
}

/** Sends spans through a real exporter and resolves with its verdict. */
export function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(spans, (result) =>
      result.code === ExportResultCode.SUCCESS
        ? resolve()
        : reject(result.error ?? new Error("export failed")),
    ),
  );
}
