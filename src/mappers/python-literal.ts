import type { JsonValue } from "../model/index.js";
import { payloadToJson } from "./json-value.js";

/**
 * `str()` of a Python dict or list (`{'city': 'Paris', 'ok': True, 'n': None}`), as Semantic Kernel
 * records a tool's result, read as JSON: quotes, `True` / `False` / `None` translated outside
 * strings. Anything else (or what does not parse) is kept as it came.
 */
export function fromPythonLiteral(text: string): JsonValue {
  const trimmed = text.trim();
  const json = payloadToJson(trimmed);
  if (typeof json !== "string" || !/^[[{]/.test(trimmed)) return json;
  let out = "";
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i] as string;
    if (c === "'" || c === '"') {
      let value = "";
      for (i++; i < trimmed.length && trimmed[i] !== c; i++) {
        if (trimmed[i] === "\\" && i + 1 < trimmed.length) {
          i++;
          const escaped = trimmed[i] as string;
          value += ({ n: "\n", t: "\t", r: "\r" } as Record<string, string>)[escaped] ?? escaped;
        } else {
          value += trimmed[i];
        }
      }
      out += JSON.stringify(value);
      continue;
    }
    const word = trimmed.slice(i).match(/^(True|False|None)\b/)?.[1];
    if (word !== undefined) {
      out += word === "True" ? "true" : word === "False" ? "false" : "null";
      i += word.length - 1;
      continue;
    }
    out += c === "(" ? "[" : c === ")" ? "]" : c;
  }
  const parsed = payloadToJson(out);
  return typeof parsed === "string" ? text : parsed;
}
