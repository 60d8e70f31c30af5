import type { Attributes, AttributeValue } from "../model/index.js";

/** Each attribute set's keys, sorted once: a span is asked for several prefixes. */
const sortedKeys = new WeakMap<Attributes, readonly string[]>();

/** The keys of an attribute set, sorted; made once per set. */
export function attributeKeys(attributes: Attributes): readonly string[] {
  let keys = sortedKeys.get(attributes);
  if (keys === undefined) {
    keys = Object.keys(attributes).sort();
    sortedKeys.set(attributes, keys);
  }
  return keys;
}

/** What most prefixes find on most spans, without an array each time (not frozen: for-of over a frozen array is slower). */
const NONE: ReadonlyArray<readonly [string, AttributeValue]> = [];

/**
 * `prefix.` for each prefix, made once: the prefixes are the conventions' (a few dozen), and a
 * string made per search would be flattened again by every comparison of the search.
 */
const dottedPrefixes = new Map<string, string>();

function dotted(prefix: string): string {
  let start = dottedPrefixes.get(prefix);
  if (start === undefined) {
    start = `${prefix}.`;
    dottedPrefixes.set(prefix, start);
  }
  return start;
}

/**
 * The attributes flattened under `prefix` (`llm.input_messages.0.message.role` under
 * `llm.input_messages`), as [the key after `prefix.`, value], in key order: found by a binary
 * search in the sorted keys rather than a scan of every attribute for every prefix.
 */
export function attributesUnder(
  attributes: Attributes,
  prefix: string,
): ReadonlyArray<readonly [string, AttributeValue]> {
  const start = dotted(prefix);
  const keys = attributeKeys(attributes);
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as string) < start) low = middle + 1;
    else high = middle;
  }
  let end = low;
  while (end < keys.length && (keys[end] as string).startsWith(start)) end++;
  if (end === low) return NONE;
  const found: Array<[string, AttributeValue]> = [];
  for (let i = low; i < end; i++) {
    const key = keys[i] as string;
    const value = attributes[key];
    if (key.length > start.length && value !== undefined) found.push([key.slice(start.length), value]);
  }
  return found;
}
