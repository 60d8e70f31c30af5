// One workflow execution: summary, timeline, details of the picked span; while it runs, every
// change the API streams (SSE) redraws it, until the stream says it has ended.
import { ApiError, getJson, readEvents, setUpKeyButton } from "./api.js";
import { detailsOf } from "./details.js";
import { byId, fill, h } from "./dom.js";
import { formatCost, formatCount, formatDuration, formatTime, isTerminal, parseInstant } from "./format.js";
import { drawTimeline } from "./timeline.js";
import { timelineOf } from "./timeline-model.js";
import { facts, say, statusBadge } from "./widgets.js";

/** @typedef {import("./types.js").WorkflowDetail} WorkflowDetail */

const executionId = decodeURIComponent(location.pathname.split("/").pop() ?? "");
const detailPath = `/api/workflow-executions/${encodeURIComponent(executionId)}`;
const status = byId("page-status");
const details = byId("details");

/** @type {WorkflowDetail | undefined} */
let detail;
/** The picked span's key, kept in the URL's hash so that a link or a reload shows it again. */
let picked = location.hash.length > 1 ? decodeURIComponent(location.hash.slice(1)) : null;
/** What the details panel shows, so a redraw that changes nothing keeps opened JSON open. */
let shownDetails = "";

/** @param {WorkflowDetail} w */
function drawSummary(w) {
  byId("title").textContent = w.workflowName ?? "Workflow execution";
  document.title = `${w.workflowName ?? "Workflow execution"} · execlens`;
  const progress =
    w.totalSteps !== null
      ? `${w.completedSteps ?? 0} of ${w.totalSteps} steps${w.progress === null ? "" : ` (${w.progress} %)`}`
      : w.progress === null
        ? null
        : `${w.progress} %`;
  byId("facts").replaceChildren(
    ...facts([
      ["Status", statusBadge(w.status)],
      ["Progress", progress],
      ["Started", h("time", { datetime: w.startedAt }, formatTime(w.startedAt))],
      [
        "Duration",
        isTerminal(w.status)
          ? formatDuration(w.totalDurationMs)
          : `running for ${formatDuration(Date.now() - parseInstant(w.startedAt))}`,
      ],
      ["Tokens", formatCount(w.totalTokens)],
      ["Cost", formatCost(w.costUsd)],
      ["Execution id", h("code", {}, w.executionId)],
      ["Workflow id", w.workflowId === null ? null : h("code", {}, w.workflowId)],
      ["Organisation", w.organizationId === null ? null : h("code", {}, w.organizationId)],
      ["User", w.userId === null ? null : h("code", {}, w.userId)],
      ["Session", w.sessionId],
      ["Trace", w.traceId === null ? null : h("code", {}, w.traceId)],
    ]),
  );
  say(status, isTerminal(w.status) ? "" : "Live: this workflow is still running; the page follows it.");
}

function draw() {
  if (detail === undefined) return;
  drawSummary(detail);
  const timeline = timelineOf(detail, Date.now());
  drawTimeline(byId("timeline"), timeline, picked, pick);
  const entry = timeline.entries.find((e) => e.key === picked);
  if (entry === undefined) {
    details.hidden = true;
    shownDetails = "";
    return;
  }
  const shown = `${entry.key}:${JSON.stringify(entry.source)}`;
  if (shown === shownDetails) return;
  shownDetails = shown;
  byId("details-title").textContent =
    `${{ workflow: "Workflow", step: "Step", skill: "Skill", llm: "Model request" }[entry.kind]} ${entry.label}`;
  fill(byId("details-body"), detailsOf(entry));
  details.hidden = false;
}

/** @param {string} key */
function pick(key) {
  picked = key;
  history.replaceState(null, "", `#${encodeURIComponent(key)}`);
  draw();
  // Beside the timeline on a wide screen (left where it is), below it on a phone (scrolled to).
  details.focus({ preventScroll: true });
  const top = details.getBoundingClientRect().top;
  if (top < 0 || top > innerHeight * 0.8) details.scrollIntoView({ block: "start" });
}

async function load() {
  detail = await getJson(detailPath);
  draw();
}

/** Re-reads the execution on every streamed change, one read at a time, the last change always read. */
function reloader() {
  /** @type {Promise<void> | undefined} */
  let running;
  let again = false;
  return () => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await load();
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
}

/**
 * Follows the live stream while the execution runs; reconnects (1 s, doubling to 10 s) if it
 * drops, and stops if the execution is gone (404) or out of the key's reach (403). Running bars
 * grow with the clock in between (one redraw a second).
 */
async function follow() {
  const reload = reloader();
  const clock = setInterval(draw, 1000);
  let wait = 1000;
  try {
    while (detail !== undefined && !isTerminal(detail.status)) {
      try {
        await readEvents(`${detailPath}/events`, () => void reload().catch(() => undefined));
        await reload();
        wait = 1000;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 403)) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, 10_000);
        await reload().catch(() => undefined);
      }
    }
  } finally {
    clearInterval(clock);
  }
}

setUpKeyButton();
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !details.hidden && details.contains(document.activeElement)) {
    const key = picked;
    picked = null;
    history.replaceState(null, "", location.pathname);
    draw();
    /** @type {HTMLElement | null} */ (
      document.querySelector(`#timeline [data-key="${CSS.escape(key ?? "")}"]`)
    )?.focus();
  }
});
try {
  await load();
  performance.mark("execlens:timeline");
  await follow();
} catch (error) {
  say(
    status,
    error instanceof ApiError && error.status === 404
      ? "No such workflow execution (or not in this API key's organisations)."
      : `Could not load: ${error instanceof Error ? error.message : String(error)}`,
    true,
  );
}
