/**
 * The two kinds of ingest failure (after the OpenTelemetry Collector): a permanent one means
 * the request itself is wrong and must not be retried; a retryable one means execlens could
 * not take it now. The HTTP status is chosen here and nowhere else.
 */
export type PermanentReason =
  | "bad_request"
  | "payload_too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "not_found"
  | "unauthenticated";
export type RetryableReason = "unavailable" | "busy";

export class IngestError extends Error {
  readonly reason: PermanentReason | RetryableReason;
  readonly retryable: boolean;
  /** Seconds, for the Retry-After header of retryable errors. */
  readonly retryAfterSeconds: number | undefined;

  private constructor(
    reason: PermanentReason | RetryableReason,
    retryable: boolean,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "IngestError";
    this.reason = reason;
    this.retryable = retryable;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  static permanent(reason: PermanentReason, message: string, cause?: unknown): IngestError {
    return new IngestError(reason, false, message, { cause });
  }

  static retryable(reason: RetryableReason, message: string, retryAfterSeconds: number, cause?: unknown) {
    return new IngestError(reason, true, message, { cause, retryAfterSeconds });
  }
}

/** Seconds a sender is asked to wait when the store failed. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/**
 * Any failure as an IngestError: ours as they are; anything else (the store failing) reported
 * to `onError` and answered as retryable, since it is not the request's fault.
 */
export function asIngestError(error: unknown, onError?: (error: unknown) => void): IngestError {
  if (error instanceof IngestError) return error;
  onError?.(error);
  return IngestError.retryable(
    "unavailable",
    "execlens could not store the spans now; retry later",
    UNAVAILABLE_RETRY_AFTER_SECONDS,
    error,
  );
}

interface Statuses {
  readonly http: 400 | 401 | 404 | 405 | 413 | 415 | 429 | 503;
  /** google.rpc.Code of the Status body OTLP/HTTP sends with a failure. */
  readonly rpc: number;
  /** gRPC status (@grpc/grpc-js `status`) for OTLP/gRPC, by the OTLP specification. */
  readonly grpc: number;
}

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

/**
 * Each reason's answer on each transport, in one place. Busy is RESOURCE_EXHAUSTED in the HTTP
 * body but UNAVAILABLE over gRPC (with RetryInfo), where OTLP asks retryable throttling to be so.
 */
const STATUSES: Readonly<Record<PermanentReason | RetryableReason, Statuses>> = {
  bad_request: { http: 400, rpc: INVALID_ARGUMENT, grpc: INVALID_ARGUMENT },
  unsupported_media_type: { http: 415, rpc: INVALID_ARGUMENT, grpc: INVALID_ARGUMENT },
  method_not_allowed: { http: 405, rpc: INVALID_ARGUMENT, grpc: INVALID_ARGUMENT },
  not_found: { http: 404, rpc: NOT_FOUND, grpc: UNIMPLEMENTED },
  unauthenticated: { http: 401, rpc: UNAUTHENTICATED, grpc: UNAUTHENTICATED },
  payload_too_large: { http: 413, rpc: RESOURCE_EXHAUSTED, grpc: RESOURCE_EXHAUSTED },
  busy: { http: 429, rpc: RESOURCE_EXHAUSTED, grpc: UNAVAILABLE },
  unavailable: { http: 503, rpc: UNAVAILABLE, grpc: UNAVAILABLE },
};

export function statusesOf(error: IngestError): Statuses {
  return STATUSES[error.reason];
}
