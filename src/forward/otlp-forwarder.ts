import { setTimeout as delay } from "node:timers/promises";

/** One accepted OTLP/HTTP request, as it is re-sent. */
export interface ForwardedRequest {
  /** The request body after decompression, byte for byte. */
  readonly body: Uint8Array;
  readonly contentType: string;
}

export type ForwardDropReason = "queue_full" | "rejected" | "retries_exhausted" | "shutdown";

export interface ForwarderOptions {
  /** The downstream OTLP/HTTP traces URL (…/v1/traces). */
  readonly url: string;
  /** Extra request headers, e.g. the downstream's authorization. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Bytes waiting or being retried at most; a request that does not fit is dropped. */
  readonly maxQueueBytes: number;
  /** Requests sent at the same time. */
  readonly concurrency?: number;
  /** How long one attempt may take. */
  readonly attemptTimeoutMs?: number;
  /** Attempts per request before it is dropped. */
  readonly maxAttempts?: number;
  /** Waits before the first retry; doubles up to maxBackoffMs, or what Retry-After says. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly onSent?: () => void;
  readonly onDropped?: (reason: ForwardDropReason) => void;
  readonly onError?: (error: unknown) => void;
}

/** Statuses the OTLP specification says to retry; any other non-2xx is final. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Re-sends accepted OTLP requests, unchanged, to a downstream OTLP/HTTP endpoint from its own
 * bounded queue: ingest only enqueues, so a slow or absent downstream never slows it; requests
 * that do not fit, are refused, or keep failing are dropped and reported.
 */
export class OtlpForwarder {
  private readonly queue: ForwardedRequest[] = [];
  private queuedBytes = 0;
  private workers = 0;
  private closed = false;
  private readonly aborter = new AbortController();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly attemptTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: ForwarderOptions) {
    this.concurrency = options.concurrency ?? 2;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  /** Takes a request for forwarding without waiting for it; drops it when the queue is full. */
  forward(request: ForwardedRequest): void {
    if (this.closed || this.queuedBytes + request.body.byteLength > this.options.maxQueueBytes) {
      this.drop(this.closed ? "shutdown" : "queue_full");
      return;
    }
    this.queue.push(request);
    this.queuedBytes += request.body.byteLength;
    if (this.workers < this.concurrency) {
      this.workers++;
      void this.work();
    }
  }

  /**
   * Waits up to graceMs for what is queued to be delivered, then gives up on the rest
   * (counted as dropped: shutdown).
   */
  async close(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<void>((resolve) => {
      if (this.workers === 0) resolve();
      else this.idleWaiters.push(resolve);
    });
    await Promise.race([idle, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.closed = true;
    this.aborter.abort();
    await idle;
  }

  private drop(reason: ForwardDropReason): void {
    this.options.onDropped?.(reason);
  }

  private async work(): Promise<void> {
    for (let request = this.queue.shift(); request !== undefined; request = this.queue.shift()) {
      const outcome = await this.deliver(request);
      this.queuedBytes -= request.body.byteLength;
      if (outcome === "sent") this.options.onSent?.();
      else this.drop(outcome);
    }
    this.workers--;
    if (this.workers === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async deliver(request: ForwardedRequest): Promise<"sent" | ForwardDropReason> {
    let backoff = this.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return "shutdown";
      try {
        await this.send(request);
        return "sent";
      } catch (error) {
        this.options.onError?.(error);
        if (!(error instanceof RetryableError)) return "rejected";
        if (attempt >= this.maxAttempts) return "retries_exhausted";
        await this.sleep(Math.min(error.retryAfterMs ?? backoff, this.maxBackoffMs));
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
    }
  }

  private async send(request: ForwardedRequest): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: "POST",
        headers: { ...this.options.headers, "content-type": request.contentType },
        body: request.body,
        signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.attemptTimeoutMs)]),
      });
    } catch (error) {
      throw new RetryableError(`forwarding to ${this.options.url} failed: ${(error as Error).message}`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const message = `forwarding to ${this.options.url}: downstream answered ${response.status}`;
    if (!RETRYABLE_STATUSES.has(response.status)) throw new Error(message);
    throw new RetryableError(message, retryAfterMs(response.headers.get("retry-after")));
  }

  private async sleep(ms: number): Promise<void> {
    await delay(ms, undefined, { signal: this.aborter.signal }).catch(() => undefined);
  }
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
