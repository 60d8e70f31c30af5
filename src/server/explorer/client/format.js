// Numbers and times as the pages show them.

/** Statuses after which an execution changes no more (as the API's live stream ends on them). */
const TERMINAL = new Set(["completed", "failed", "cancelled", "timeout"]);

/** @param {string} status */
export function isTerminal(status) {
  return TERMINAL.has(status);
}

const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Milliseconds since the epoch, keeping the microseconds the API may send
 * (`2026-01-01T00:00:00.787716Z`): the order of spans a few µs apart is real.
 * @param {string} text
 * @returns {number} NaN when it is not a date
 */
export function parseInstant(text) {
  const match = INSTANT.exec(text);
  if (match === null) return Date.parse(text);
  const whole = Date.parse(`${match[1]}${match[3] ?? "Z"}`);
  return whole + (match[2] === undefined ? 0 : Number(`0.${match[2]}`) * 1000);
}

/**
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms === 0) return "0";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });

/** @param {number | null | undefined} count */
export function formatCount(count) {
  return count === null || count === undefined ? "—" : integer.format(count);
}

/** @param {number | null | undefined} usd */
export function formatCost(usd) {
  if (usd === null || usd === undefined) return "—";
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

/** @param {number} rate a share, 0 to 1 */
export function formatPercent(rate) {
  if (!Number.isFinite(rate)) return "—";
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)} %`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** @param {string | null | undefined} iso */
export function formatTime(iso) {
  if (iso === null || iso === undefined) return "—";
  const ms = parseInstant(iso);
  return Number.isNaN(ms) ? iso : dateTime.format(ms);
}

/**
 * A long id shortened for a table cell (the full id stays in the title and the link).
 * @param {string} id
 */
export function shortId(id) {
  return id.length > 14 ? `${id.slice(0, 8)}…` : id;
}
