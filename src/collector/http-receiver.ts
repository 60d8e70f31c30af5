import { Hono } from "hono";
import type { AccessKey, DecodedRequest } from "../model/index.js";
import type { Admission, AdmissionTicket } from "./admission.js";
import { type Encoding, encodingFor, jsonEncoding } from "./encodings.js";
import {
  asIngestError,
  IngestError,
  type PermanentReason,
  type RetryableReason,
  statusesOf,
} from "./errors.js";
import { type ExportContext, exportTraces } from "./export-traces.js";
import { checkIngestKey } from "./ingest-keys.js";
import { JsonShapeError } from "./otlp-json.js";
import { readBody } from "./read-body.js";

export interface HttpReceiverOptions {
  readonly context: ExportContext;
  readonly admission: Admission;
  /** Largest accepted body, after decompression. */
  readonly maxRequestBytes: number;
  /** EXECLENS_INGEST_KEYS; none: every request is let in. */
  readonly ingestKeys: readonly AccessKey[];
  readonly onError?: (error: unknown) => void;
  /** Told of each request answered with an error, by reason (for the metrics). */
  readonly onRefused?: (reason: PermanentReason | RetryableReason) => void;
}

/** OTLP/HTTP traces receiver (POST /v1/traces), by the OTLP specification. */
export function createHttpReceiver(options: HttpReceiverOptions): Hono {
  const app = new Hono();
  const failure = (encoding: Encoding, error: IngestError, extraHeaders: Record<string, string> = {}) => {
    options.onRefused?.(error.reason);
    return failureResponse(encoding, error, extraHeaders);
  };

  app.post("/v1/traces", async (c) => {
    const encoding = encodingFor(c.req.header("content-type"));
    let grant: ReturnType<typeof checkIngestKey>;
    try {
      // before the body is read: a request without a valid key costs nothing and stores nothing
      grant = checkIngestKey(options.ingestKeys, c.req.header("authorization"));
    } catch (error) {
      return failure(encoding ?? jsonEncoding, asIngestError(error, options.onError), {
        "www-authenticate": 'Bearer realm="execlens OTLP"',
      });
    }
    if (encoding === undefined) {
      return failure(
        jsonEncoding,
        IngestError.permanent(
          "unsupported_media_type",
          `unsupported Content-Type ${JSON.stringify(c.req.header("content-type") ?? "")}: use application/x-protobuf or application/json`,
        ),
      );
    }
    let ticket: AdmissionTicket | undefined;
    try {
      const declared = Number(c.req.header("content-length") ?? 0);
      if (declared > options.maxRequestBytes && c.req.header("content-encoding") === undefined) {
        throw IngestError.permanent(
          "payload_too_large",
          `request body is larger than the limit of ${options.maxRequestBytes} bytes`,
        );
      }
      ticket = options.admission.admit(Number.isFinite(declared) ? declared : 0);
      const admitted = ticket;
      const body = await readBody(
        c.req.raw.body,
        c.req.header("content-encoding"),
        options.maxRequestBytes,
        (n) => admitted.addBytes(n),
      );
      const protocol = encoding === jsonEncoding ? "http/json" : "http/protobuf";
      // The body outlives its decoding only when it is forwarded after the commit: otherwise the
      // bytes are garbage while the transaction runs, not a second copy of the request held.
      const { onAccepted } = options.context;
      const forwarded = onAccepted === undefined ? undefined : body;
      const result = await exportTraces(decode(encoding, body), options.context, admitted, protocol, grant);
      if (forwarded !== undefined)
        onAccepted?.(forwarded, c.req.header("content-type") ?? encoding.contentType);
      return new Response(encoding.encodeResponse(result.rejectedSpans, result.errorMessage), {
        status: 200,
        headers: { "content-type": encoding.contentType },
      });
    } catch (error) {
      return failure(encoding, asIngestError(error, options.onError));
    } finally {
      ticket?.release();
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

export function decode(encoding: Pick<Encoding, "contentType" | "decode">, body: Uint8Array): DecodedRequest {
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

function failureResponse(
  encoding: Encoding,
  error: IngestError,
  extraHeaders: Record<string, string> = {},
): Response {
  const headers: Record<string, string> = { "content-type": encoding.contentType, ...extraHeaders };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return new Response(encoding.encodeStatus(statusesOf(error).rpc, error.message), {
    status: statusesOf(error).http,
    headers,
  });
}
