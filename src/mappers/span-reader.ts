import type { AttributeValue, JsonObject, JsonValue, Span } from "../model/index.js";
import { attributesUnder } from "./attributes-under.js";
import { payloadToJson, setPath, toJson } from "./json-value.js";

/**
 * Reads the convention attributes of one span (span attributes first, then its resource's)
 * and collects, as warnings, every value it had to ignore or shorten.
 */
export class SpanReader {
  readonly warnings: string[] = [];
  /** Original values of ids that were stored as UUIDv5 or shortened, by column name. */
  readonly sourceIds: JsonObject = {};

  constructor(
    readonly span: Span,
    /** The organisation an ingest key pins for the span's request (see MappingOptions). */
    readonly pinnedOrganizationId?: string,
  ) {}

  raw(...keys: string[]): AttributeValue | undefined {
    for (const key of keys) {
      const value = this.span.attributes[key];
      if (value !== undefined && value !== null) return value;
    }
    for (const key of keys) {
      const value = this.span.resource[key];
      if (value !== undefined && value !== null) return value;
    }
    return undefined;
  }

  /** True when the span itself (not its resource) carries one of the keys. */
  has(...keys: string[]): boolean {
    return keys.some((key) => {
      const value = this.span.attributes[key];
      return value !== undefined && value !== null;
    });
  }

  string(...keys: string[]): string | null {
    const value = this.raw(...keys);
    if (value === undefined) return null;
    if (typeof value === "string") return value === "" ? null : value;
    if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
      return String(value);
    this.warnings.push(`${keys[0]} must be a string, got ${describe(value)}`);
    return null;
  }

  /** A string for a VARCHAR(max) column: longer values are cut, the original kept in source_ids. */
  boundedString(column: string, max: number, ...keys: string[]): string | null {
    return this.bounded(column, max, keys[0] as string, this.string(...keys));
  }

  /** `value` (read from `key`) for a VARCHAR(max) column, as boundedString. */
  bounded(column: string, max: number, key: string, value: string | null): string | null {
    if (value === null || value.length <= max) return value;
    this.warnings.push(`${key} is longer than ${max} characters and was shortened`);
    this.sourceIds[column] = value;
    return value.slice(0, max);
  }

  integer(...keys: string[]): number | null {
    const value = this.raw(...keys);
    if (value === undefined) return null;
    if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1) return value;
    if (typeof value === "string" && /^-?\d{1,10}$/.test(value.trim())) {
      const parsed = Number(value.trim());
      if (Math.abs(parsed) <= 2 ** 31 - 1) return parsed;
    }
    this.warnings.push(`${keys[0]} must be a 32-bit integer, got ${describe(value)}; ignored`);
    return null;
  }

  boolean(...keys: string[]): boolean | null {
    const value = this.raw(...keys);
    if (value === undefined) return null;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    this.warnings.push(`${keys[0]} must be a boolean, got ${describe(value)}; ignored`);
    return null;
  }

  /** A payload attribute (input, output, config) as JSON; undefined when the span has none. */
  payload(...keys: string[]): JsonValue | undefined {
    const value = this.raw(...keys);
    return value === undefined ? undefined : payloadToJson(value);
  }

  /**
   * A JSON object from `prefix` (itself a JSON string or kvlist) merged with every
   * `prefix.a.b` attribute as nested keys, e.g. workflow.config.retryStrategy.maxRetries.
   */
  objectFromPrefix(prefix: string): JsonObject {
    const base = this.payload(prefix) ?? {};
    const result: JsonObject = typeof base === "object" && base !== null && !Array.isArray(base) ? base : {};
    for (const [rest, value] of attributesUnder(this.span.resource, prefix))
      setPath(result, rest.split("."), toJson(value));
    for (const [rest, value] of attributesUnder(this.span.attributes, prefix))
      setPath(result, rest.split("."), toJson(value));
    return result;
  }
}

function describe(value: AttributeValue): string {
  if (value instanceof Uint8Array) return "bytes";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "a map";
  return JSON.stringify(toJson(value));
}
