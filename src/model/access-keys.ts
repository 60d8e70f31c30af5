import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { textOr } from "./settings.js";

/**
 * A key as kept at rest (EXECLENS_API_KEYS, EXECLENS_INGEST_KEYS): the SHA-256 of the key, and
 * the organisations it stands for.
 */
export interface AccessKey {
  readonly sha256: string;
  /** "*" for every organisation; else original ids or UUIDs, as the app sends them. */
  readonly organizations: "*" | readonly string[];
}

const ENTRY = /^sha256:([0-9a-f]{64})=(.+)$/;

/**
 * Parses a key list: entries `sha256:<hex>=<org>[,<org>…]` or `sha256:<hex>=*`, separated by `;`
 * or new lines. Throws with the entry's position when one is malformed.
 */
export function parseAccessKeys(text: string): AccessKey[] {
  return text
    .split(/[;\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry, index) => {
      const match = ENTRY.exec(entry);
      if (match === null) {
        throw new Error(
          `entry ${index + 1} must be sha256:<64 hex digits>=<org>[,<org>…] or sha256:<64 hex digits>=* (use \`execlens api-key\` or \`execlens ingest-key\` to make one)`,
        );
      }
      const orgs = (match[2] as string).split(",").map((o) => o.trim());
      if (orgs.some((o) => o === "")) throw new Error(`entry ${index + 1} names an empty organisation`);
      return { sha256: match[1] as string, organizations: orgs.includes("*") ? "*" : orgs };
    });
}

const ACCESS_KEY = z.strictObject({
  sha256: z.string(),
  organizations: z.union([z.literal("*"), z.array(z.string()).readonly()]),
});

/** A key list setting's schema: entries separated by ";" in a variable or flag, a list in the YAML file. */
export const accessKeys: z.ZodType<AccessKey[], unknown> = z.preprocess(
  (value) => (Array.isArray(value) ? value.join(";") : value),
  textOr(parseAccessKeys, z.array(ACCESS_KEY)),
);

export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** A new random key and its entry for a key list. */
export function newAccessKey(organizations: readonly string[]): { key: string; entry: string } {
  const key = `elk_${randomBytes(24).toString("base64url")}`;
  return {
    key,
    entry: `sha256:${hashKey(key)}=${organizations.length === 0 ? "*" : organizations.join(",")}`,
  };
}

/** The configured key a presented one is, compared in constant time; undefined when none. */
export function findAccessKey(keys: readonly AccessKey[], presented: string): AccessKey | undefined {
  const digest = Buffer.from(hashKey(presented), "hex");
  return keys.find((k) => timingSafeEqual(Buffer.from(k.sha256, "hex"), digest));
}
