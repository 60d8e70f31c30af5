import type { AdmissionTicket } from "./admission.js";
import { applyLimits, type SpanLimits } from "./limits.js";
import type { DecodedRequest, RejectedSpan, Span } from "./span.js";

/** The next stage: resolves once the spans are durable, naming the spans it could not take. */
export interface TracesConsumer {
  consume(spans: readonly Span[]): Promise<{ readonly rejected: readonly RejectedSpan[] }>;
}

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

/** What both receivers do with a decoded request: limits, admission, store; then partial success. */
export async function exportTraces(
  decoded: DecodedRequest,
  context: ExportContext,
  ticket: AdmissionTicket,
): Promise<ExportResult> {
  const limited = applyLimits(decoded, context.limits, context.now());
  ticket.addSpans(limited.spans.length);
  const consumed =
    limited.spans.length === 0 ? { rejected: [] } : await context.consumer.consume(limited.spans);
  const rejected = [...limited.rejected, ...consumed.rejected];
  return { rejectedSpans: rejected.length, errorMessage: partialSuccessMessage(rejected) };
}

function partialSuccessMessage(rejected: readonly RejectedSpan[]): string {
  if (rejected.length === 0) return "";
  const reasons = rejected.slice(0, MAX_REASONS_IN_MESSAGE).map((r) => r.reason);
  const more = rejected.length - reasons.length;
  return `${rejected.length} span(s) rejected: ${reasons.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
}
