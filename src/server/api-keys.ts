import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { sourceIdToUuid } from "../model/index.js";
import type { Scope } from "../store/index.js";

/** An API key as kept at rest: the SHA-256 of the key, and the organisations it may read. */
export interface ApiKey {
  readonly sha256: string;
  /** "*" for every organisation; else original ids or UUIDs, as the app sends them. */
  readonly organizations: "*" | readonly string[];
}

const ENTRY = /^sha256:([0-9a-f]{64})=(.+)$/;

/**
 * Parses EXECLENS_API_KEYS: entries `sha256:<hex>=<org>[,<org>…]` or `sha256:<hex>=*`, separated
 * by `;` or new lines. Throws with the entry's position when one is malformed.
 */
export function parseApiKeys(text: string): ApiKey[] {
  return text
    .split(/[;\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry, index) => {
      const match = ENTRY.exec(entry);
      if (match === null) {
        throw new Error(
          `entry ${index + 1} must be sha256:<64 hex digits>=<org>[,<org>…] or sha256:<64 hex digits>=* (use \`execlens api-key\` to make one)`,
        );
      }
      const orgs = (match[2] as string).split(",").map((o) => o.trim());
      if (orgs.some((o) => o === "")) throw new Error(`entry ${index + 1} names an empty organisation`);
      return { sha256: match[1] as string, organizations: orgs.includes("*") ? "*" : orgs };
    });
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** A new random key and the entry to put in EXECLENS_API_KEYS for it. */
export function newApiKey(organizations: readonly string[]): { key: string; entry: string } {
  const key = `elk_${randomBytes(24).toString("base64url")}`;
  return {
    key,
    entry: `sha256:${hashKey(key)}=${organizations.length === 0 ? "*" : organizations.join(",")}`,
  };
}

/** The scope a presented key grants, or undefined when it is not a configured key. */
export function scopeOfKey(keys: readonly ApiKey[], presented: string): Scope | undefined {
  const digest = Buffer.from(hashKey(presented), "hex");
  const key = keys.find((k) => timingSafeEqual(Buffer.from(k.sha256, "hex"), digest));
  if (key === undefined) return undefined;
  return key.organizations === "*"
    ? { all: true }
    : { organizationIds: key.organizations.map((o) => sourceIdToUuid(o)) };
}
