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
  | "not_found";
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

export function httpStatusOf(error: IngestError): 400 | 404 | 405 | 413 | 415 | 429 | 503 {
  switch (error.reason) {
    case "bad_request":
      return 400;
    case "not_found":
      return 404;
    case "method_not_allowed":
      return 405;
    case "payload_too_large":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "busy":
      return 429;
    case "unavailable":
      return 503;
  }
}

/** google.rpc.Code values for the Status body OTLP/HTTP sends with a failure. */
export function rpcCodeOf(error: IngestError): number {
  switch (error.reason) {
    case "bad_request":
    case "unsupported_media_type":
    case "method_not_allowed":
      return 3; // INVALID_ARGUMENT
    case "not_found":
      return 5; // NOT_FOUND
    case "payload_too_large":
    case "busy":
      return 8; // RESOURCE_EXHAUSTED
    case "unavailable":
      return 14; // UNAVAILABLE
  }
}

/** gRPC status codes (@grpc/grpc-js `status`) for the OTLP/gRPC receiver, by the OTLP specification. */
export function grpcCodeOf(error: IngestError): number {
  switch (error.reason) {
    case "bad_request":
    case "unsupported_media_type":
    case "method_not_allowed":
      return 3; // INVALID_ARGUMENT
    case "not_found":
      return 12; // UNIMPLEMENTED
    case "payload_too_large":
      return 8; // RESOURCE_EXHAUSTED
    case "busy":
    case "unavailable":
      return 14; // UNAVAILABLE: retryable, with RetryInfo
  }
}
