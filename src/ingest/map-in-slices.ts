import { type MappingOptions, mapSpans, requestSpans } from "../mappers/index.js";
import type { ExecutionChanges, Span } from "../model/index.js";
import { mergeChanges } from "../store/index.js";

/** Spans mapped between two turns of the event loop (a few milliseconds of work). */
export const SPANS_PER_SLICE = 64;

/**
 * mapSpans of a request, a slice of spans at a time with a turn of the event loop between
 * slices: mapping a large request takes tens of milliseconds, during which the transactions in
 * flight would wait for their next statement. Spans map one by one, each slice knowing the roles
 * of the whole request (see requestSpans), so the merged slices are the request's changes (a span
 * repeated across slices is kept once, as within one).
 */
export async function mapInSlices(
  spans: readonly Span[],
  options: MappingOptions,
): Promise<ExecutionChanges> {
  if (spans.length <= SPANS_PER_SLICE) return mapSpans(spans, options);
  const request = requestSpans(spans, options);
  const slices: ExecutionChanges[] = [];
  for (let at = 0; at < spans.length; at += SPANS_PER_SLICE) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    slices.push(mapSpans(spans.slice(at, at + SPANS_PER_SLICE), options, request));
  }
  return mergeChanges(slices);
}
