import type { AttemptOutcome } from "./outcome.js";

/** Statuses the OTLP specification says to retry (busy, or a gateway without its upstream); any other non-2xx is final. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** How much of a refusal's body goes into the error, enough for a receiver's explanation. */
const MAX_ERROR_BODY_CHARS = 500;

export interface HttpPost {
  readonly url: string | URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
}

/**
 * One POST, classified for the delivery queue: a 2xx is sent; no answer (refused, reset, timed
 * out) or 429/502/503/504 is retryable, with the answer's Retry-After; any other status is rejected.
 */
export async function post(request: HttpPost, signal: AbortSignal): Promise<AttemptOutcome> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal,
    });
  } catch (error) {
    return { kind: "retryable", error: new Error(`POST ${request.url} got no answer`, { cause: error }) };
  }
  // Read the body whole either way, so that the connection can be reused.
  const text = await response.text().catch(() => "");
  if (response.ok) return { kind: "sent" };
  const error = new Error(
    `POST ${request.url} answered ${response.status}${text === "" ? "" : `: ${text.slice(0, MAX_ERROR_BODY_CHARS)}`}`,
  );
  if (!RETRYABLE_STATUSES.has(response.status)) return { kind: "rejected", error };
  return { kind: "retryable", error, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) };
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
