// Throughput, failure and timeout rates, p95 durations and cost over a range, from /api/stats/*.
import { ApiError, getJson, setUpKeyButton } from "./api.js";
import { bars, lines, stackedColumns } from "./charts.js";
import { byId, fill } from "./dom.js";
import { formatCost, formatCount, formatDuration, formatPercent } from "./format.js";
import { facts, say } from "./widgets.js";

/** @typedef {import("./types.js").Stats} Stats */
/** @typedef {import("./types.js").WorkflowStats} WorkflowStats */
/** @typedef {import("./types.js").SkillStats} SkillStats */

/** Each range with a bucket width that gives 28 to 60 points. */
const RANGES = /** @type {Readonly<Record<string, { ms: number, bucketSeconds: number }>>} */ ({
  "1h": { ms: 3_600_000, bucketSeconds: 60 },
  "24h": { ms: 86_400_000, bucketSeconds: 1800 },
  "7d": { ms: 7 * 86_400_000, bucketSeconds: 6 * 3600 },
  "30d": { ms: 30 * 86_400_000, bucketSeconds: 86_400 },
});

const range = RANGES[new URLSearchParams(location.search).get("range") ?? ""] ?? {
  ms: 86_400_000,
  bucketSeconds: 1800,
};
const status = byId("page-status");

/**
 * Every bucket of the window (the API sends only those with executions), summed over the groups.
 * @param {Stats[]} groups
 * @param {number} from
 * @param {number} to
 * @param {number} bucketMs
 */
function buckets(groups, from, to, bucketMs) {
  /** @type {Map<number, { count: number, failed: number, timeout: number }>} */
  const sums = new Map();
  for (let t = Math.floor(from / bucketMs) * bucketMs; t < to; t += bucketMs)
    sums.set(t, { count: 0, failed: 0, timeout: 0 });
  for (const group of groups) {
    for (const point of group.series ?? []) {
      const sum = sums.get(Date.parse(point.bucketStart));
      if (sum === undefined) continue;
      sum.count += point.count;
      sum.failed += point.failed;
      sum.timeout += point.timeout;
    }
  }
  const label = new Intl.DateTimeFormat(
    undefined,
    bucketMs >= 86_400_000
      ? { month: "short", day: "numeric" }
      : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" },
  );
  return [...sums].map(([t, sum]) => ({ label: label.format(t), ...sum }));
}

const THROUGHPUT = [
  { key: "ok", label: "ok or running" },
  { key: "failed", label: "failed" },
  { key: "timeout", label: "timed out" },
];

/**
 * @param {string} noun
 * @param {ReturnType<typeof buckets>} points
 */
const throughput = (noun, points) =>
  stackedColumns(
    `${noun} per bucket`,
    points.map((p) => ({
      label: p.label,
      values: { ok: p.count - p.failed - p.timeout, failed: p.failed, timeout: p.timeout },
    })),
    THROUGHPUT,
  );

/** @param {Stats[]} groups */
function totals(groups) {
  const count = groups.reduce((sum, g) => sum + g.count, 0);
  const failed = groups.reduce((sum, g) => sum + (g.byStatus.failed ?? 0), 0);
  const timeout = groups.reduce((sum, g) => sum + (g.byStatus.timeout ?? 0), 0);
  return {
    count,
    failureRate: count === 0 ? 0 : failed / count,
    timeoutRate: count === 0 ? 0 : timeout / count,
  };
}

setUpKeyButton();
try {
  const to = Date.now();
  const from = to - range.ms;
  const query = {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucket_seconds: range.bucketSeconds,
  };
  /** @type {[{ workflows: WorkflowStats[] }, { skills: SkillStats[] }]} */
  const [w, k] = await Promise.all([
    getJson("/api/stats/workflows", query),
    getJson("/api/stats/skills", query),
  ]);
  const workflowPoints = buckets(w.workflows, from, to, range.bucketSeconds * 1000);
  const skillPoints = buckets(k.skills, from, to, range.bucketSeconds * 1000);
  const wt = totals(w.workflows);
  const st = totals(k.skills);
  byId("totals").replaceChildren(
    ...facts([
      ["Workflow executions", formatCount(wt.count)],
      ["Failed", formatPercent(wt.failureRate)],
      ["Timed out", formatPercent(wt.timeoutRate)],
      ["Tokens", formatCount(w.workflows.reduce((sum, g) => sum + g.totalTokens, 0))],
      ["Cost", formatCost(w.workflows.reduce((sum, g) => sum + g.costUsd, 0))],
      ["Skill executions", formatCount(st.count)],
      ["Skills failed", formatPercent(st.failureRate)],
    ]),
  );
  /** @param {{ label: string, count: number, failed: number, timeout: number }} p */
  const rates = (p) => ({
    label: p.label,
    values: {
      failed: p.count === 0 ? null : p.failed / p.count,
      timeout: p.count === 0 ? null : p.timeout / p.count,
    },
  });
  const name = (/** @type {WorkflowStats} */ g) => g.workflowName ?? g.workflowId ?? "(unnamed)";
  fill(
    byId("charts"),
    throughput("Workflow executions", workflowPoints),
    lines(
      "Workflow failure and timeout rate",
      workflowPoints.map(rates),
      [
        { key: "failed", label: "failed" },
        { key: "timeout", label: "timed out" },
      ],
      formatPercent,
    ),
    bars(
      "p95 duration by workflow",
      w.workflows.map((g) => ({ label: name(g), value: g.durationMs.p95 })),
      formatDuration,
    ),
    bars(
      "Cost by workflow",
      w.workflows.map((g) => ({ label: name(g), value: g.costUsd })),
      formatCost,
    ),
    throughput("Skill executions", skillPoints),
    bars(
      "p95 duration by skill",
      k.skills.map((g) => ({ label: g.skillName, value: g.durationMs.p95 })),
      formatDuration,
    ),
  );
  say(status, wt.count + st.count === 0 ? "No executions in this range." : "");
} catch (error) {
  say(
    status,
    `Could not load: ${error instanceof ApiError || error instanceof Error ? error.message : String(error)}`,
    true,
  );
}
