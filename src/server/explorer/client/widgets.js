// Small pieces every page shows.
import { h } from "./dom.js";
import { isTerminal } from "./format.js";

/**
 * A status as a badge: colour and text, so it never rests on colour alone.
 * @param {string} status
 */
export function statusBadge(status) {
  return h(
    "span",
    { class: `badge status-${status}` },
    isTerminal(status) ? "" : h("span", { class: "pulse", "aria-hidden": "true" }),
    status,
  );
}

/**
 * The entries of a definition list, label → value; entries without a value are left out.
 * @param {Array<[string, import("./dom.js").Child | import("./dom.js").Child[]]>} entries
 */
export function facts(entries) {
  return entries
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([label, value]) => h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value)));
}

/**
 * A message shown where the data would be, in the page's status line.
 * @param {HTMLElement} status
 * @param {string} text
 * @param {boolean} [isError]
 */
export function say(status, text, isError = false) {
  // unchanged text is left alone: a live region would read it out again
  if (status.textContent !== text) status.textContent = text;
  status.classList.toggle("error", isError);
}
