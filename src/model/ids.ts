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

/** The variant's hex digit (RFC 9562: bits 10xx) for the hash's digit in its place. */
const VARIANT_DIGIT: Readonly<Record<string, string>> = Object.fromEntries(
  Array.from({ length: 16 }, (_, n) => [n.toString(16), ((n & 0x3) | 0x8).toString(16)]),
);

/**
 * A UUID's text from 12 hex digits of time (or hash), a version and a SHA-1 digest in hex for the
 * rest: the version digit and variant bits written into the text, not into a Buffer to format.
 */
function format(head: string, version: string, digest: string): string {
  return `${head.slice(0, 8)}-${head.slice(8, 12)}-${version}${digest.slice(13, 16)}-${VARIANT_DIGIT[digest[16] as string]}${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
}

/** RFC 9562 UUIDv5 (SHA-1, name-based). One-shot hash: a Hash object per id cost more than the hashing. */
export function uuidV5(namespace: string, name: string): string {
  const prefix = KNOWN_NAMESPACES.get(namespace) ?? namespaceBytes(namespace);
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, "utf8"));
  prefix.copy(input);
  input.write(name, 16, "utf8");
  const digest = hash("sha1", input, "hex");
  return format(digest, "5", digest);
}

/**
 * The UUIDv7 layout with a deterministic tail: 48 bits of `unixMs`, then 74 bits of a hash of
 * `name` where v7 has random bits. Same span, same id; ids sort by start time.
 */
export function uuidV7Deterministic(unixMs: number, name: string): string {
  // NaN is the epoch
  const ms = Math.max(0, Math.min(Math.floor(unixMs), 2 ** 48 - 1)) || 0;
  return format(ms.toString(16).padStart(12, "0"), "7", hash("sha1", name, "hex"));
}

/** `traceId:spanId` in hex. */
const TRACE_AND_SPAN_ID_CHARS = 32 + 1 + 16;

/**
 * Hashes remembered by their name, up to a bound (emptied when full): the same ids come on span
 * after span, and each is hashed once.
 */
class HashMemo {
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly make: (name: string) => string,
    /** Longer names are hashed each time, not kept. */
    private readonly maxNameChars: number,
    private readonly maxNames: number,
  ) {}

  of(name: string): string {
    const remembered = this.hashes.get(name);
    if (remembered !== undefined) return remembered;
    const made = this.make(name);
    if (name.length <= this.maxNameChars) {
      if (this.hashes.size >= this.maxNames) this.hashes.clear();
      this.hashes.set(name, made);
    }
    return made;
  }
}

/** User, companion and organisation ids recur on span after span. */
const sourceUuids = new HashMemo(
  (value) => (isUuid(value) ? value.toLowerCase() : uuidV5(SOURCE_ID_NAMESPACE, value)),
  128,
  4096,
);

/** The UUID stored for a source id: itself (lower-cased) when it is a UUID, else its UUIDv5. */
export function sourceIdToUuid(value: string): string {
  return sourceUuids.of(value);
}

/** Each step of a workflow, and the workflow itself, names the workflow's execution (close together). */
const workflowUuids = new HashMemo((name) => uuidV5(SPAN_NAMESPACE, name), TRACE_AND_SPAN_ID_CHARS, 1024);

export function workflowExecutionId(traceId: string, spanId: string): string {
  return workflowUuids.of(`${traceId}:${spanId}`);
}

export function spanExecutionId(startUnixMs: number, traceId: string, spanId: string): string {
  return uuidV7Deterministic(startUnixMs, `${traceId}:${spanId}`);
}
