import type { Attributes, AttributeValue } from "../model/index.js";

/** Each attribute set's keys, sorted once: a span is asked for several prefixes. */
const sortedKeys = new WeakMap<Attributes, readonly string[]>();

function keysOf(attributes: Attributes): readonly string[] {
  let keys = sortedKeys.get(attributes);
  if (keys === undefined) {
    keys = Object.keys(attributes).sort();
    sortedKeys.set(attributes, keys);
  }
  return keys;
}

/**
 * The attributes flattened under `prefix` (`llm.input_messages.0.message.role` under
 * `llm.input_messages`), as [the key after `prefix.`, value], in key order: found by a binary
 * search in the sorted keys rather than a scan of every attribute for every prefix.
 */
export function attributesUnder(attributes: Attributes, prefix: string): Array<[string, AttributeValue]> {
  const start = `${prefix}.`;
  const keys = keysOf(attributes);
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as string) < start) low = middle + 1;
    else high = middle;
  }
  const found: Array<[string, AttributeValue]> = [];
  for (let i = low; i < keys.length; i++) {
    const key = keys[i] as string;
    if (!key.startsWith(start)) break;
    const value = attributes[key];
    if (key.length > start.length && value !== undefined) found.push([key.slice(start.length), value]);
  }
  return found;
}
