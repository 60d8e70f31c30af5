// JSON as a tree of <details>: native, keyboard-operable disclosure. A branch's children are
// built when it is first opened, so a large payload costs nothing until it is looked at.
import { h } from "./dom.js";

/** @param {unknown} value */
const isBranch = (value) => typeof value === "object" && value !== null && Object.keys(value).length > 0;

/** @param {unknown} value */
function leaf(value) {
  if (typeof value === "string") return h("span", { class: "json-string" }, JSON.stringify(value));
  if (Array.isArray(value)) return h("span", { class: "json-punct" }, "[]");
  if (typeof value === "object" && value !== null) return h("span", { class: "json-punct" }, "{}");
  return h("span", { class: `json-${value === null ? "null" : typeof value}` }, String(value));
}

/**
 * @param {string | null} key
 * @param {unknown} value
 * @param {number} depth
 * @param {number} openDepth branches shallower than this start open
 * @returns {HTMLElement}
 */
function node(key, value, depth, openDepth) {
  const label = key === null ? null : h("span", { class: "json-key" }, `${key}: `);
  if (!isBranch(value)) return h("div", { class: "json-leaf" }, label, leaf(value));
  const object = /** @type {Record<string, unknown>} */ (value);
  const entries = Object.entries(object);
  const count = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  const details = h(
    "details",
    { class: "json-branch", open: depth < openDepth },
    h("summary", {}, label, h("span", { class: "json-punct" }, count)),
  );
  const children = () =>
    h(
      "div",
      { class: "json-children" },
      entries.map(([k, v]) => node(k, v, depth + 1, openDepth)),
    );
  let built = false;
  const build = () => {
    if (built || !details.open) return;
    built = true;
    details.append(children());
  };
  build();
  details.addEventListener("toggle", build);
  return details;
}

/**
 * @param {unknown} value
 * @param {number} [openDepth] levels shown open at first
 */
export function jsonView(value, openDepth = 1) {
  return h("div", { class: "json" }, node(null, value, 0, openDepth));
}
