import { hash } from "node:crypto";

/** Namespace of the UUIDv5s execlens derives from non-UUID source ids ("user-123"). */
export const SOURCE_ID_NAMESPACE = "8b0f5a0e-3c4d-5e6f-9a1b-2c3d4e5f6a7b";
/** Namespace of the name-based ids of workflow executions, from (trace id, span id). */
export const SPAN_NAMESPACE = "d2a6c1f4-7b3e-5a9d-8c2f-1e4b6a8d0c3f";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The 16 bytes of a namespace UUID; execlens' own two computed once, since every span hashes with them. */
function namespaceBytes(namespace: string): Buffer {
  return Buffer.from(namespace.replaceAll("-", ""), "hex");
}
const KNOWN_NAMESPACES = new Map(
  [SOURCE_ID_NAMESPACE, SPAN_NAMESPACE].map((namespace) => [namespace, namespaceBytes(namespace)]),
);

/** The first 16 bytes of `bytes` as a UUID's text. */
function format(bytes: Buffer): string {
  const hex = bytes.toString("hex", 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** RFC 9562 UUIDv5 (SHA-1, name-based). One-shot hash: a Hash object per id cost more than the hashing. */
export function uuidV5(namespace: string, name: string): string {
  const prefix = KNOWN_NAMESPACES.get(namespace) ?? namespaceBytes(namespace);
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, "utf8"));
  prefix.copy(input);
  input.write(name, 16, "utf8");
  const bytes = hash("sha1", input, "buffer");
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return format(bytes);
}

/**
 * The UUIDv7 layout with a deterministic tail: 48 bits of `unixMs`, then 74 bits of a hash of
 * `name` where v7 has random bits. Same span, same id; ids sort by start time.
 */
export function uuidV7Deterministic(unixMs: number, name: string): string {
  const bytes = hash("sha1", name, "buffer");
  let ms = Math.max(0, Math.min(Math.floor(unixMs), 2 ** 48 - 1));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return format(bytes);
}

/** The UUID stored for a source id: itself (lower-cased) when it is a UUID, else its UUIDv5. */
export function sourceIdToUuid(value: string): string {
  return isUuid(value) ? value.toLowerCase() : uuidV5(SOURCE_ID_NAMESPACE, value);
}

export function workflowExecutionId(traceId: string, spanId: string): string {
  return uuidV5(SPAN_NAMESPACE, `${traceId}:${spanId}`);
}

export function spanExecutionId(startUnixMs: number, traceId: string, spanId: string): string {
  return uuidV7Deterministic(startUnixMs, `${traceId}:${spanId}`);
}
