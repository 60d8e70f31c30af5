import { Hono } from "hono";
import { type Encoding, encodingFor, jsonEncoding } from "./encodings.js";
import { httpStatusOf, IngestError, rpcCodeOf } from "./errors.js";
import { JsonShapeError } from "./otlp-json.js";
import { readBody } from "./read-body.js";
import type { DecodedRequest, RejectedSpan, Span } from "./span.js";

/** The next stage: resolves once the spans are durable, naming the spans it could not take. */
export interface TracesConsumer {
  consume(spans: readonly Span[]): Promise<{ readonly rejected: readonly RejectedSpan[] }>;
}

export interface HttpReceiverOptions {
  readonly consumer: TracesConsumer;
  /** Largest accepted body, after decompression. */
  readonly maxRequestBytes: number;
  readonly onError?: (error: unknown) => void;
}

/** How many rejection reasons the partial-success message lists before summarising. */
const MAX_REASONS_IN_MESSAGE = 10;

export function createHttpReceiver(options: HttpReceiverOptions): Hono {
  const app = new Hono();

  app.post("/v1/traces", async (c) => {
    const encoding = encodingFor(c.req.header("content-type"));
    if (encoding === undefined) {
      return failure(
        jsonEncoding,
        IngestError.permanent(
          "unsupported_media_type",
          `unsupported Content-Type ${JSON.stringify(c.req.header("content-type") ?? "")}: use application/x-protobuf or application/json`,
        ),
      );
    }
    try {
      const body = await readBody(c.req.raw.body, c.req.header("content-encoding"), options.maxRequestBytes);
      const decoded = decode(encoding, body);
      const consumed =
        decoded.spans.length === 0 ? { rejected: [] } : await options.consumer.consume(decoded.spans);
      const rejected = [...decoded.rejected, ...consumed.rejected];
      return new Response(encoding.encodeResponse(rejected.length, partialSuccessMessage(rejected)), {
        status: 200,
        headers: { "content-type": encoding.contentType },
      });
    } catch (error) {
      if (error instanceof IngestError) return failure(encoding, error);
      options.onError?.(error);
      return failure(
        encoding,
        IngestError.retryable("unavailable", "execlens could not store the spans; retry later", 5, error),
      );
    }
  });

  app.all("/v1/traces", () =>
    failure(jsonEncoding, IngestError.permanent("method_not_allowed", "use POST for /v1/traces"), {
      allow: "POST",
    }),
  );

  app.notFound(() =>
    failure(
      jsonEncoding,
      IngestError.permanent("not_found", "not found: OTLP/HTTP traces are received on POST /v1/traces"),
    ),
  );

  return app;
}

function decode(encoding: Encoding, body: Uint8Array): DecodedRequest {
  try {
    return encoding.decode(body);
  } catch (error) {
    const detail = error instanceof JsonShapeError ? error.message : (error as Error).message;
    throw IngestError.permanent(
      "bad_request",
      `could not decode the ${encoding.contentType} body as an ExportTraceServiceRequest: ${detail}`,
      error,
    );
  }
}

function failure(
  encoding: Encoding,
  error: IngestError,
  extraHeaders: Record<string, string> = {},
): Response {
  const headers: Record<string, string> = { "content-type": encoding.contentType, ...extraHeaders };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return new Response(encoding.encodeStatus(rpcCodeOf(error), error.message), {
    status: httpStatusOf(error),
    headers,
  });
}

function partialSuccessMessage(rejected: readonly RejectedSpan[]): string {
  if (rejected.length === 0) return "";
  const reasons = rejected.slice(0, MAX_REASONS_IN_MESSAGE).map((r) => r.reason);
  const more = rejected.length - reasons.length;
  return `${rejected.length} span(s) rejected: ${reasons.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
}
