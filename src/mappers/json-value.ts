import type { JsonObject, JsonValue } from "../model/index.js";
import { type AttributeValue, storableString } from "../model/index.js";

/** An OTLP attribute value as JSON: bigint as a decimal string, bytes as base64, NaN/Infinity as strings. */
export function toJson(value: AttributeValue | undefined): JsonValue {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value.toString();
    default:
      break;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(toJson);
  const object: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) object[key] = toJson(inner);
  return object;
}

/** Deepest nesting kept from a parsed payload; PostgreSQL refuses very deep jsonb. */
export const MAX_JSON_DEPTH = 64;

/**
 * Payload attributes (inputs, outputs, configs) are often JSON serialised into a string by
 * the app; such a string (an object, an array or a quoted string) is parsed, any other string
 * (or JSON nested deeper than MAX_JSON_DEPTH) is kept as a string.
 */
export function payloadToJson(value: AttributeValue | undefined): JsonValue {
  if (typeof value === "string") {
    const trimmed = value.trim();
    // objects and arrays, and a JSON string (a tool's text result, serialised by the AI SDK)
    if (
      trimmed.startsWith("{") ||
      trimmed.startsWith("[") ||
      (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"'))
    ) {
      try {
        const parsed = JSON.parse(trimmed) as JsonValue;
        // Text without \u escapes and well-formed has only storable strings once parsed (raw NULs
        // are not JSON): only its depth is checked, without copying it.
        if (trimmed.isWellFormed() && !trimmed.includes("\\u"))
          return nestedWithin(parsed, 0) ? parsed : value;
        return storableJson(parsed, 0);
      } catch {
        return value;
      }
    }
    return value;
  }
  return toJson(value);
}

class TooDeep extends Error {}

/** Whether no object or array of `value` lies MAX_JSON_DEPTH levels deep (storableJson's bound). */
function nestedWithin(value: JsonValue, depth: number): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  // loops, not every(): this walks each parsed payload whole
  if (Array.isArray(value)) {
    for (const item of value) if (!nestedWithin(item, depth + 1)) return false;
    return true;
  }
  for (const key in value) if (!nestedWithin(value[key] as JsonValue, depth + 1)) return false;
  return true;
}

/** Parsed JSON made storable: strings and keys as storableString, depth bounded. */
function storableJson(value: JsonValue, depth: number): JsonValue {
  if (typeof value === "string") return storableString(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_JSON_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) return value.map((item) => storableJson(item, depth + 1));
  // entries, not assignment: a "__proto__" key stays a key, as JSON.parse made it
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [storableString(key), storableJson(inner, depth + 1)]),
  );
}

/** Sets `value` at a dotted path inside `target`, creating objects on the way. */
export function setPath(target: JsonObject, path: readonly string[], value: JsonValue): void {
  let node = target;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      node = next;
    } else {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    }
  }
}
