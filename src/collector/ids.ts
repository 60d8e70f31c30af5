const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += HEX[byte];
  return out;
}

const HEX_ID = /^[0-9a-f]+$/;

/**
 * Checks a decoded trace or span id. OTLP says an all-zero id is invalid, and the length
 * is fixed (16 bytes for traces, 8 for spans). Returns the reason when it is not valid.
 */
export function invalidIdReason(hex: string, bytes: 8 | 16, what: string): string | undefined {
  if (hex.length !== bytes * 2 || !HEX_ID.test(hex)) {
    return `${what} must be ${bytes} bytes (${bytes * 2} hex digits), got ${JSON.stringify(hex.slice(0, 40))}`;
  }
  if (/^0+$/.test(hex)) return `${what} is all zeroes`;
  return undefined;
}
