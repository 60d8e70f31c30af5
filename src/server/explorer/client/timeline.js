// The waterfall: one row per span, its bar placed by real start and duration on a shared axis.
// Rows are buttons in a list: Tab reaches the list, ↑/↓/Home/End move within it, Enter picks.
import { h } from "./dom.js";
import { formatDuration } from "./format.js";

/** @typedef {import("./timeline-model.js").Entry} Entry */
/** @typedef {import("./timeline-model.js").Timeline} Timeline */

const KIND_LABEL = { workflow: "workflow", step: "step", skill: "skill", llm: "model" };
const TICKS = 4;

/**
 * @param {Timeline} timeline
 * @returns {HTMLElement}
 */
function axis(timeline) {
  const span = timeline.end - timeline.start;
  return h(
    "div",
    { class: "axis", "aria-hidden": "true" },
    h("span", { class: "row-label" }),
    h(
      "span",
      { class: "track" },
      Array.from({ length: TICKS + 1 }, (_, i) => {
        const tick = h("span", { class: "tick" }, formatDuration((span * i) / TICKS));
        tick.style.left = `${(100 * i) / TICKS}%`;
        return tick;
      }),
    ),
  );
}

/**
 * @param {Entry} entry
 * @param {Timeline} timeline
 * @param {boolean} selected
 */
function row(entry, timeline, selected) {
  const span = timeline.end - timeline.start;
  const left = (100 * (entry.start - timeline.start)) / span;
  const width = (100 * (entry.end - entry.start)) / span;
  const bar = h("span", { class: `bar status-${entry.status}${entry.running ? " running" : ""}` });
  // Through the CSSOM: the page's CSP allows no style attributes.
  bar.style.left = `${Math.min(left, 99.5)}%`;
  bar.style.width = `max(${width}%, 2px)`;
  const failed = entry.status === "failed" || entry.status === "timeout";
  const offset = formatDuration(entry.start - timeline.start);
  return h(
    "li",
    {
      class: `row kind-${entry.kind} depth-${entry.depth}${failed ? " failed" : ""}`,
      "data-kind": entry.kind,
    },
    h(
      "button",
      {
        type: "button",
        class: "row-button",
        "data-key": entry.key,
        "aria-pressed": selected ? "true" : "false",
      },
      h(
        "span",
        { class: "row-label" },
        h("span", { class: `kind kind-${entry.kind}` }, KIND_LABEL[entry.kind]),
        h("span", { class: "name" }, entry.label),
        h("span", { class: "duration" }, entry.running ? "running" : formatDuration(entry.end - entry.start)),
        failed
          ? h("span", { class: "flag" }, h("span", { "aria-hidden": "true" }, "✕ "), entry.status)
          : null,
        h("span", { class: "visually-hidden" }, `, starts at +${offset}`),
      ),
      h("span", { class: "track", "aria-hidden": "true" }, bar),
    ),
  );
}

/**
 * Draws the timeline into `container`, keeping the focus on the same row across redraws (the
 * page redraws as a running workflow changes). One row is in the tab order at a time (a roving
 * tabindex): Tab passes the timeline in one step however many bars it has.
 * @param {HTMLElement} container
 * @param {Timeline} timeline
 * @param {string | null} selectedKey
 * @param {(key: string) => void} onPick
 */
export function drawTimeline(container, timeline, selectedKey, onPick) {
  const focused = /** @type {HTMLElement | null} */ (container.querySelector("button:focus"))?.dataset.key;
  const list = h(
    "ol",
    { class: "rows", "aria-label": `${timeline.entries.length} spans by start time` },
    timeline.entries.map((entry) => row(entry, timeline, entry.key === selectedKey)),
  );
  const buttons = [...list.querySelectorAll("button")];
  /** @param {HTMLButtonElement} current */
  const rove = (current) => {
    for (const button of buttons) button.tabIndex = button === current ? 0 : -1;
    container.dataset.current = current.dataset.key;
  };
  const byKey = (/** @type {string | undefined} */ key) => buttons.find((b) => b.dataset.key === key);
  const current =
    byKey(focused) ?? byKey(container.dataset.current) ?? byKey(selectedKey ?? undefined) ?? buttons[0];
  if (current !== undefined) rove(current);
  list.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLButtonElement) rove(event.target);
  });
  list.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button");
    if (button?.dataset.key !== undefined) onPick(button.dataset.key);
  });
  list.addEventListener("keydown", (event) => {
    const at = buttons.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined || at < 0) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, to))]?.focus();
  });
  container.replaceChildren(h("div", { class: "timeline" }, axis(timeline), list));
  if (focused !== undefined) byKey(focused)?.focus();
}
