import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { IngestError } from "./errors.js";
import { readBody } from "./read-body.js";

function chunkedStream(
  bytes: Uint8Array,
  chunkSize: number,
  pulled: { bytes: number },
): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      const chunk = bytes.subarray(offset, offset + chunkSize);
      offset += chunk.byteLength;
      pulled.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

describe("readBody", () => {
  it("stops inflating a gzip bomb soon after the limit instead of inflating it whole", async () => {
    const limit = 64 * 1024;
    const bomb = gzipSync(Buffer.alloc(2048 * limit));
    const pulled = { bytes: 0 };
    const error = await readBody(chunkedStream(bomb, 256, pulled), "gzip", limit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).reason).toBe("payload_too_large");
    // 128 MiB of zeroes is ~128 KiB of gzip; 64 KiB of output needs ~64 bytes of it, plus what
    // the streams buffer ahead (two 16 KiB high-water marks), whatever the size of the bomb.
    expect(bomb.byteLength).toBeGreaterThan(120 * 1024);
    expect(pulled.bytes).toBeLessThan(48 * 1024);
  });

  it("inflates gzip under the limit", async () => {
    const text = Buffer.from("x".repeat(10_000));
    const body = await readBody(chunkedStream(gzipSync(text), 100, { bytes: 0 }), "gzip", 20_000);
    expect(Buffer.from(body).equals(text)).toBe(true);
  });

  it("refuses unknown encodings as unsupported media", async () => {
    const error = await readBody(chunkedStream(new Uint8Array(1), 1, { bytes: 0 }), "br", 10).catch(
      (e: unknown) => e,
    );
    expect((error as IngestError).reason).toBe("unsupported_media_type");
  });

  it("answers a corrupt gzip stream as a bad request", async () => {
    const error = await readBody(
      chunkedStream(new Uint8Array([1, 2, 3, 4]), 4, { bytes: 0 }),
      "gzip",
      10,
    ).catch((e: unknown) => e);
    expect((error as IngestError).reason).toBe("bad_request");
  });
});
