import { IngestError } from "./errors.js";

export interface AdmissionLimits {
  /** Request bytes (after decompression) being read, decoded or stored at once. */
  readonly maxInflightBytes: number;
  /** Spans being decoded or stored at once. */
  readonly maxInflightSpans: number;
}

/** Seconds a sender is asked to wait when execlens is busy. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * Bounds the work in flight. Past the bounds a request is refused as busy (429 / UNAVAILABLE)
 * before more of it is read, so memory stays bounded whatever the offered load. A request is
 * always admitted when nothing else is in flight, so one large request cannot be refused forever.
 */
export class Admission {
  private bytes = 0;
  private spans = 0;
  private requests = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  get inflight(): { readonly bytes: number; readonly spans: number; readonly requests: number } {
    return { bytes: this.bytes, spans: this.spans, requests: this.requests };
  }

  /**
   * A ticket for one request, refused up front when `expectedBytes` (its Content-Length) would
   * not fit; release it when the request is answered.
   */
  admit(expectedBytes = 0): AdmissionTicket {
    if (this.requests > 0 && this.bytes + expectedBytes > this.limits.maxInflightBytes) throw busy("bytes");
    this.requests++;
    return new AdmissionTicket(this);
  }

  /** @internal */
  take(bytes: number, spans: number, alone: boolean): void {
    if (!alone && bytes > 0 && this.bytes + bytes > this.limits.maxInflightBytes) throw busy("bytes");
    if (!alone && spans > 0 && this.spans + spans > this.limits.maxInflightSpans) throw busy("spans");
    this.bytes += bytes;
    this.spans += spans;
  }

  /** @internal */
  give(bytes: number, spans: number, request: boolean): void {
    this.bytes -= bytes;
    this.spans -= spans;
    if (request) this.requests--;
  }
}

export class AdmissionTicket {
  private bytes = 0;
  private spans = 0;
  private released = false;

  constructor(private readonly admission: Admission) {}

  private get alone(): boolean {
    return this.admission.inflight.requests === 1;
  }

  addBytes(bytes: number): void {
    this.admission.take(bytes, 0, this.alone);
    this.bytes += bytes;
  }

  addSpans(spans: number): void {
    this.admission.take(0, spans, this.alone);
    this.spans += spans;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.admission.give(this.bytes, this.spans, true);
  }
}

function busy(what: "bytes" | "spans"): IngestError {
  return IngestError.retryable(
    "busy",
    `execlens is busy (too many ${what} in flight); retry after ${BUSY_RETRY_AFTER_SECONDS} s`,
    BUSY_RETRY_AFTER_SECONDS,
  );
}
