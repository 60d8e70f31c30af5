// The list's filters, from the page's URL (the filter form is a GET form) to the API's query.

/** How far back each `range` of the form reaches. */
const RANGE_MS = /** @type {Readonly<Record<string, number>>} */ ({
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
});

/** Filters passed to the API as they are. */
const PLAIN = ["status", "companion_id", "user_id", "organization_id", "session_id"];

/**
 * A `datetime-local` value (the browser's local time) as ISO 8601, or undefined when empty or invalid.
 * @param {string | null} value
 */
function instantOf(value) {
  if (value === null || value === "") return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * @typedef {object} ListQuery
 * @property {"workflows" | "skills"} kind
 * @property {Record<string, string>} filters the API's query parameters, without paging
 * @property {boolean} openEnded no upper bound: new executions belong at the top as they arrive
 */

/**
 * @param {URLSearchParams} params the page's
 * @param {number} now
 * @returns {ListQuery}
 */
export function listQueryOf(params, now) {
  const kind = params.get("kind") === "skills" ? "skills" : "workflows";
  /** @type {Record<string, string>} */
  const filters = {};
  for (const name of [...PLAIN, kind === "skills" ? "skill_id" : "workflow_id"]) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  const range = RANGE_MS[params.get("range") ?? ""];
  const from =
    instantOf(params.get("from")) ?? (range === undefined ? undefined : new Date(now - range).toISOString());
  const to = instantOf(params.get("to"));
  if (from !== undefined) filters.started_from = from;
  if (to !== undefined) filters.started_to = to;
  return { kind, filters, openEnded: to === undefined };
}
