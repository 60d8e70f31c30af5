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

const ZERO_IDS = { 8: "0".repeat(16), 16: "0".repeat(32) } as const;

/**
 * invalidIdReason for an id the protobuf decoder made from bytes, which is lower-case hex by
 * construction: only its length and its zeroes are left to check.
 */
export function invalidDecodedIdReason(hex: string, bytes: 8 | 16, what: string): string | undefined {
  return hex.length === bytes * 2 && hex !== ZERO_IDS[bytes] ? undefined : invalidIdReason(hex, bytes, what);
}
