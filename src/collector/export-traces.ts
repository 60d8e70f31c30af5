import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { type DecodedRequest, isOwnSpan, type RejectedSpan, type Span } from "../model/index.js";
import type { AdmissionTicket } from "./admission.js";
import { asIngestError } from "./errors.js";
import type { IngestGrant } from "./ingest-keys.js";
import { applyLimits, type SpanLimits } from "./limits.js";

/**
 * The next stage: resolves once the spans are durable, naming the spans it could not take. The
 * grant is what the request's ingest key says (the organisation every row is stored under).
 */
export interface TracesConsumer {
  consume(
    spans: readonly Span[],
    grant: IngestGrant,
  ): Promise<{ readonly rejected: readonly RejectedSpan[]; readonly rowsWritten: number }>;
}

/** How a request came in, for execlens' own ingest spans. */
export type IngestProtocol = "http/protobuf" | "http/json" | "grpc";

const tracer = trace.getTracer("execlens");

export interface ExportContext {
  readonly consumer: TracesConsumer;
  readonly limits: SpanLimits;
  readonly now: () => number;
  /** Told of each request answered 200 (its body after decompression), e.g. to forward it. */
  readonly onAccepted?: (body: Uint8Array, contentType: string) => void;
}

export interface ExportResult {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

/** How many rejection reasons the partial-success message lists before summarising. */
const MAX_REASONS_IN_MESSAGE = 10;

/**
 * What both receivers do with a decoded request: limits, admission, store; then partial success.
 * Traced as one `execlens.ingest` span (a no-op unless self-telemetry is on).
 */
export async function exportTraces(
  decoded: DecodedRequest,
  context: ExportContext,
  ticket: AdmissionTicket,
  protocol: IngestProtocol,
  grant: IngestGrant,
): Promise<ExportResult> {
  if (decoded.rejected.length === 0 && decoded.spans.length > 0 && decoded.spans.every(isOwnSpan)) {
    return store(decoded, context, ticket, grant);
  }
  return tracer.startActiveSpan(
    "execlens.ingest",
    {
      kind: SpanKind.SERVER,
      attributes: {
        "execlens.ingest.protocol": protocol,
        "execlens.spans.received": decoded.spans.length + decoded.rejected.length,
      },
    },
    async (span) => {
      try {
        const result = await store(decoded, context, ticket, grant);
        span.setAttributes({
          "execlens.spans.rejected": result.rejectedSpans,
          "execlens.rows.written": result.rowsWritten,
          "execlens.ingest.outcome": result.rejectedSpans > 0 ? "partial" : "accepted",
        });
        return result;
      } catch (error) {
        span.setAttribute("execlens.ingest.outcome", asIngestError(error).reason);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

async function store(
  decoded: DecodedRequest,
  context: ExportContext,
  ticket: AdmissionTicket,
  grant: IngestGrant,
): Promise<ExportResult & { readonly rowsWritten: number }> {
  const limited = applyLimits(decoded, context.limits, context.now());
  ticket.addSpans(limited.spans.length);
  const consumed =
    limited.spans.length === 0
      ? { rejected: [], rowsWritten: 0 }
      : await context.consumer.consume(limited.spans, grant);
  const rejected = [...limited.rejected, ...consumed.rejected];
  return {
    rejectedSpans: rejected.length,
    errorMessage: partialSuccessMessage(rejected),
    rowsWritten: consumed.rowsWritten,
  };
}

function partialSuccessMessage(rejected: readonly RejectedSpan[]): string {
  if (rejected.length === 0) return "";
  const reasons = rejected.slice(0, MAX_REASONS_IN_MESSAGE).map((r) => r.reason);
  const more = rejected.length - reasons.length;
  return `${rejected.length} span(s) rejected: ${reasons.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
}
