// The executions list: workflows or skills, filtered as the URL says, newest first, with keyset
// "load more"; rows still running are refreshed, and new executions come in at the top.
import { ApiError, getJson, setUpKeyButton } from "./api.js";
import { byId, fill, h } from "./dom.js";
import {
  formatCost,
  formatCount,
  formatDuration,
  formatTime,
  isTerminal,
  parseInstant,
  shortId,
} from "./format.js";
import { listQueryOf } from "./list-query.js";
import { say, statusBadge } from "./widgets.js";

/** @typedef {import("./types.js").WorkflowExecution} WorkflowExecution */
/** @typedef {import("./types.js").SkillExecution} SkillExecution */
/** @typedef {WorkflowExecution | SkillExecution} Execution */

const PAGE_SIZE = 50;
/** How often rows still running are re-read (polling: the SSE stream is per workflow, and a browser opens only 6 connections to a host). */
const LIVE_MS = 2000;
/** Rows re-read per round at most; the others wait for the next round. */
const LIVE_ROWS = 10;

const query = listQueryOf(new URLSearchParams(location.search), Date.now());
const skills = query.kind === "skills";
const path = skills ? "/api/skill-executions" : "/api/workflow-executions";
const table = /** @type {HTMLTableElement} */ (byId("executions"));
const body = /** @type {HTMLTableSectionElement} */ (table.tBodies[0]);
const status = byId("list-status");
const loadMore = /** @type {HTMLButtonElement} */ (byId("load-more"));

/** The rows shown, by id, in display order. */
const rows = /** @type {Map<string, { item: Execution, tr: HTMLTableRowElement }>} */ (new Map());
/** @type {string | null} */
let nextCursor = null;

/** @param {Execution} item */
const idOf = (item) => ("execId" in item ? item.execId : item.wkexId);

const HEADINGS = skills
  ? ["Status", "Skill", "Started", "Duration", "Workflow", "Error"]
  : ["Status", "Workflow", "Started", "Duration", "Progress", "Tokens", "Cost", "Execution id"];

/** @param {WorkflowExecution} w */
function workflowCells(w) {
  const href = `/workflow-executions/${encodeURIComponent(w.executionId)}`;
  const progress =
    w.totalSteps !== null
      ? `${w.completedSteps ?? 0}/${w.totalSteps}`
      : w.progress !== null
        ? `${w.progress} %`
        : "—";
  return [
    h(
      "th",
      { scope: "row" },
      h(
        "a",
        { href },
        w.workflowName ?? (isTerminal(w.status) ? "(unnamed workflow)" : "(name not known yet)"),
      ),
    ),
    h("td", {}, h("time", { datetime: w.startedAt }, formatTime(w.startedAt))),
    h("td", { class: "num" }, formatDuration(w.totalDurationMs)),
    h("td", { class: "num" }, progress),
    h("td", { class: "num" }, formatCount(w.totalTokens)),
    h("td", { class: "num" }, formatCost(w.costUsd)),
    h("td", { class: "mono id-cell", title: w.executionId }, shortId(w.executionId)),
  ];
}

/** @param {SkillExecution} s */
function skillCells(s) {
  return [
    h("th", { scope: "row" }, h("a", { href: `/skill-executions/${s.execId}` }, s.skillName)),
    h("td", {}, h("time", { datetime: s.startedAt }, formatTime(s.startedAt))),
    h("td", { class: "num" }, formatDuration(s.durationMs)),
    h(
      "td",
      {},
      s.workflowExecutionId === null
        ? "—"
        : h(
            "a",
            { href: `/workflow-executions/${s.workflowExecutionId}`, class: "mono" },
            shortId(s.workflowExecutionId),
          ),
    ),
    h("td", { class: "error-cell" }, s.errorMessage ?? ""),
  ];
}

/** @param {Execution} item */
function rowOf(item) {
  const cells = "execId" in item ? skillCells(item) : workflowCells(item);
  return h(
    "tr",
    { "data-id": idOf(item), "data-status": item.status },
    h("td", {}, statusBadge(item.status)),
    cells,
  );
}

/**
 * Puts an execution in the table: replaces its row, or adds it at the top or the bottom.
 * @param {Execution} item
 * @param {"top" | "bottom"} where for a new row
 */
function show(item, where) {
  const id = idOf(item);
  const tr = rowOf(item);
  const shown = rows.get(id);
  if (shown !== undefined) {
    shown.tr.replaceWith(tr);
    shown.item = item;
    shown.tr = tr;
    return;
  }
  rows.set(id, { item, tr });
  if (where === "top") body.prepend(tr);
  else body.append(tr);
}

function summarise() {
  const noun = skills ? "skill executions" : "workflow executions";
  if (rows.size === 0) say(status, `No ${noun} match these filters.`);
  else say(status, `${rows.size} ${noun}${nextCursor === null ? "" : ", more below"}.`);
  loadMore.hidden = nextCursor === null;
}

/** @param {unknown} error */
function fail(error) {
  say(
    status,
    error instanceof ApiError ? `Could not load: ${error.message}` : `Could not load: ${String(error)}`,
    true,
  );
}

async function loadPage() {
  loadMore.disabled = true;
  try {
    /** @type {import("./types.js").Page<Execution>} */
    const page = await getJson(path, { ...query.filters, limit: PAGE_SIZE, cursor: nextCursor ?? undefined });
    for (const item of page.items) show(item, "bottom");
    nextCursor = page.nextCursor;
    summarise();
  } catch (error) {
    fail(error);
  } finally {
    loadMore.disabled = false;
  }
}

/** Re-reads the rows still running, and fetches executions newer than the newest shown. */
async function refresh() {
  const running = [...rows.values()].filter((r) => !isTerminal(r.item.status)).slice(0, LIVE_ROWS);
  await Promise.all(
    running.map(async ({ item }) => {
      // one row that cannot be read (deleted by retention, say) does not hold up the others
      const fresh = await getJson(`${path}/${idOf(item)}`).catch(() => undefined);
      if (fresh !== undefined) show(/** @type {Execution} */ (fresh), "top");
    }),
  );
  if (!query.openEnded) return;
  const newest = [...rows.values()].reduce(
    (latest, r) => Math.max(latest, parseInstant(r.item.startedAt)),
    Number.NEGATIVE_INFINITY,
  );
  const from = query.filters.started_from;
  const since = Number.isFinite(newest) ? new Date(Math.floor(newest)).toISOString() : from;
  /** @type {import("./types.js").Page<Execution>} */
  const page = await getJson(path, {
    ...query.filters,
    started_from: from !== undefined && since !== undefined && from > since ? from : since,
    limit: PAGE_SIZE,
  });
  for (const item of [...page.items].reverse()) if (!rows.has(idOf(item))) show(item, "top");
  summarise();
}

/** Runs `refresh` every LIVE_MS while the tab is visible, never two at once. */
function stayLive() {
  let busy = false;
  setInterval(() => {
    if (busy || document.visibilityState !== "visible") return;
    busy = true;
    refresh()
      .catch(() => undefined) // a failed round is retried by the next one
      .finally(() => {
        busy = false;
      });
  }, LIVE_MS);
}

/**
 * The workflow filter suggests the workflows seen in the last 30 days, by name; asked for when
 * the field is first focused (stats over 30 days are not free on a large database).
 */
async function suggestWorkflows() {
  const list = document.getElementById("known-workflows");
  if (list === null) return;
  /** @type {{ workflows: import("./types.js").WorkflowStats[] }} */
  const stats = await getJson("/api/stats/workflows", {
    from: new Date(Date.now() - 30 * 86_400_000).toISOString(),
  });
  fill(
    list,
    stats.workflows
      .filter((w) => w.workflowId !== null)
      .map((w) => h("option", { value: /** @type {string} */ (w.workflowId) }, w.workflowName ?? "")),
  );
}

setUpKeyButton();
fill(
  /** @type {HTMLTableSectionElement} */ (table.tHead),
  h(
    "tr",
    {},
    HEADINGS.map((text) =>
      h("th", { scope: "col", class: text === "Execution id" ? "id-cell" : null }, text),
    ),
  ),
);
loadMore.addEventListener("click", () => void loadPage());
await loadPage();
stayLive();
document.getElementById("f-workflow_id")?.addEventListener(
  "focus",
  () => void suggestWorkflows().catch(() => undefined), // suggestions only
  { once: true },
);
