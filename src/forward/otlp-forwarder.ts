import { createDeliveryQueue, type DeliveryEvents, type DeliveryQueue, post } from "../outbound/index.js";

/** One accepted OTLP/HTTP request, as it is re-sent. */
export interface ForwardedRequest {
  /** The request body after decompression, byte for byte. */
  readonly body: Uint8Array;
  readonly contentType: string;
}

export interface ForwarderOptions extends DeliveryEvents {
  /** The downstream OTLP/HTTP traces URL (…/v1/traces). */
  readonly url: string;
  /** Extra request headers, e.g. the downstream's authorization. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Bytes waiting or being retried at most; a request that does not fit is dropped. */
  readonly maxQueueBytes: number;
  /** Requests sent at the same time. */
  readonly concurrency?: number;
}

/**
 * Re-sends accepted OTLP requests, unchanged, to a downstream OTLP/HTTP endpoint from its own
 * bounded queue: ingest only enqueues, so a slow or absent downstream never slows it; requests
 * that do not fit, are refused, or keep failing are dropped and reported.
 */
export class OtlpForwarder {
  private readonly queue: DeliveryQueue<ForwardedRequest>;

  constructor(options: ForwarderOptions) {
    const { url, headers, maxQueueBytes, concurrency = 2, ...events } = options;
    this.queue = createDeliveryQueue<ForwardedRequest>({
      ...events,
      budget: maxQueueBytes,
      cost: (request) => request.body.byteLength,
      concurrency,
      // One request per attempt: OTLP bodies of different encodings cannot be joined.
      send: ([request], signal) =>
        post(
          { url, headers: { ...headers, "content-type": request.contentType }, body: request.body },
          signal,
        ),
    });
  }

  /** Takes a request for forwarding without waiting for it; drops it when the queue is full. */
  forward(request: ForwardedRequest): void {
    this.queue.offer([request]);
  }

  /**
   * Waits up to graceMs for what is queued to be delivered, then gives up on the rest
   * (counted as dropped: shutdown).
   */
  close(graceMs: number): Promise<void> {
    return this.queue.stop(graceMs);
  }
}
