/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";

export const OVERVIEW_RANGES: ReadonlyArray<{ value: string; label: string }> = [
  { value: "1h", label: "last hour" },
  { value: "24h", label: "last 24 hours" },
  { value: "7d", label: "last 7 days" },
  { value: "30d", label: "last 30 days" },
];

/** Throughput, failure and timeout rates, p95 duration and cost over a range (/api/stats/*). Filled by overview.js. */
export const OverviewPage: FC<{ range: string }> = ({ range }) => (
  <>
    <h1>Overview</h1>
    <form class="filters" method="get" action="/overview" aria-label="Range">
      <div class="field">
        <label for="f-range">Range</label>
        <select id="f-range" name="range">
          {OVERVIEW_RANGES.map((r) => (
            <option value={r.value} selected={r.value === range}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field actions">
        <button type="submit">Show</button>
      </div>
    </form>
    <p id="page-status" role="status" aria-live="polite">
      Loading…
    </p>
    <dl id="totals" class="tiles" />
    <div id="charts" class="charts" />
  </>
);

export function overviewRangeOf(value: string | undefined): string {
  return OVERVIEW_RANGES.some((r) => r.value === value) ? (value as string) : "24h";
}
