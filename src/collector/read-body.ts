import { pipeline, Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import { IngestError } from "./errors.js";

/**
 * Reads a request body into memory, refusing it once it passes `limit` bytes. A gzip body is
 * inflated as a stream with back-pressure and the limit applies to the inflated bytes, so a
 * small bomb is cut off after `limit` bytes rather than inflated whole. `onBytes` sees every
 * chunk before it is kept and may throw (e.g. when execlens is busy) to stop reading.
 */
export async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  contentEncoding: string | undefined,
  limit: number,
  onBytes: (bytes: number) => void = () => undefined,
): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array(0);
  const encoding = (contentEncoding ?? "identity").trim().toLowerCase() || "identity";
  const gzip = encoding === "gzip" || encoding === "x-gzip";
  if (!gzip && encoding !== "identity") {
    await stream.cancel().catch(() => undefined);
    throw IngestError.permanent(
      "unsupported_media_type",
      `unsupported Content-Encoding ${JSON.stringify(encoding)}: use gzip or none`,
    );
  }
  const input = Readable.fromWeb(stream as NodeWebReadableStream<Uint8Array>);
  const source: Readable = gzip ? pipeline(input, createGunzip(), () => undefined) : input;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) {
        throw IngestError.permanent(
          "payload_too_large",
          `request body is larger than the limit of ${limit} bytes${gzip ? " after decompression" : ""}`,
        );
      }
      onBytes(chunk.byteLength);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw IngestError.permanent(
      "bad_request",
      `could not read the request body: ${(error as Error).message}`,
      error,
    );
  } finally {
    source.destroy();
    input.destroy();
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size);
}
