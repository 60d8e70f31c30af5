import { IngestError } from "./errors.js";

/**
 * Reads a request body into memory, refusing it once it passes `limit` bytes. A gzip body is
 * inflated as a stream and the limit applies to the inflated bytes, so a small bomb is cut
 * off after `limit` bytes rather than inflated whole.
 */
export async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  contentEncoding: string | undefined,
  limit: number,
): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array(0);
  const encoding = (contentEncoding ?? "identity").trim().toLowerCase();
  let source: ReadableStream<Uint8Array>;
  if (encoding === "gzip" || encoding === "x-gzip") {
    source = stream.pipeThrough(new DecompressionStream("gzip"));
  } else if (encoding === "identity" || encoding === "") {
    source = stream;
  } else {
    await stream.cancel().catch(() => undefined);
    throw IngestError.permanent(
      "unsupported_media_type",
      `unsupported Content-Encoding ${JSON.stringify(encoding)}: use gzip or none`,
    );
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw IngestError.permanent(
          "payload_too_large",
          `request body is larger than the limit of ${limit} bytes${encoding === "identity" ? "" : " after decompression"}`,
        );
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw IngestError.permanent(
      "bad_request",
      `could not read the request body: ${(error as Error).message}`,
      error,
    );
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
