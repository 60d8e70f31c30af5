import { beforeAll, expect, it } from "vitest";
import { PERCENTILE_RELATIVE_ERROR } from "../src/store/index.js";
import { apiClient } from "./helpers/api.js";
import { describeEachDatabase } from "./helpers/databases.js";
import { BASE_MS, ingestDataset } from "./helpers/dataset.js";
import { useExeclens } from "./helpers/execlens.js";
import { type Row, skillRows, workflowRows } from "./helpers/rows.js";

/** percentile_cont: linear interpolation between the closest ranks, as PostgreSQL defines it. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return (sorted[lower] as number) + ((sorted[upper] as number) - (sorted[lower] as number)) * (rank - lower);
}

/** A percentile read from the rollups' histogram: within the stated relative error of percentile_cont. */
function expectWithinBound(actual: number | null, want: number | null | undefined): void {
  if (want === null || want === undefined) {
    expect(actual).toBe(want ?? null);
    return;
  }
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - want)).toBeLessThanOrEqual(
    PERCENTILE_RELATIVE_ERROR * Math.abs(want) + 1e-9,
  );
}

function expected(rows: Row[], key: (r: Row) => string, status: string, duration: string) {
  const groups = new Map<string, Row[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return new Map(
    [...groups].map(([k, group]) => {
      const byStatus: Record<string, number> = {};
      for (const r of group) byStatus[r[status] as string] = (byStatus[r[status] as string] ?? 0) + 1;
      const durations = group.filter((r) => r[duration] !== null).map((r) => Number(r[duration]));
      return [
        k,
        {
          count: group.length,
          byStatus,
          failureRate: (byStatus.failed ?? 0) / group.length,
          timeoutRate: (byStatus.timeout ?? 0) / group.length,
          p50: percentile(durations, 0.5),
          p95: percentile(durations, 0.95),
          p99: percentile(durations, 0.99),
        },
      ];
    }),
  );
}

describeEachDatabase("stats endpoints", (kind) => {
  const execlens = useExeclens(kind);
  beforeAll(async () => {
    await ingestDataset(execlens.database.db, { seed: 11, traces: 60 });
  });

  const from = new Date(BASE_MS + 12 * 3600 * 1000);
  const to = new Date(BASE_MS + 60 * 3600 * 1000);
  const inWindow = (started: string) => (r: Row) => {
    const t = Date.parse(r[started] as string);
    return t >= from.getTime() && t < to.getTime();
  };

  it("per skill: counts, statuses, rates and percentiles equal those computed from the raw rows", async () => {
    const rows = (await skillRows(execlens.database.db)).filter(inWindow("exec_started_at"));
    const want = expected(
      rows,
      (r) => `${r.skill_id}|${r.exec_skill_name}`,
      "exec_status",
      "exec_duration_ms",
    );
    const { status, body } = await apiClient(execlens.apiUrl).get<{
      skills: Array<{
        skillId: string | null;
        skillName: string;
        count: number;
        byStatus: object;
        failureRate: number;
        timeoutRate: number;
        durationMs: { p50: number; p95: number; p99: number };
      }>;
    }>("/api/stats/skills", { from: from.toISOString(), to: to.toISOString() });
    expect(status).toBe(200);
    expect(body.skills.length).toBe(want.size);
    for (const s of body.skills) {
      const w = want.get(`${s.skillId}|${s.skillName}`);
      expect(w, s.skillName).toBeDefined();
      expect(s.count).toBe(w?.count);
      expect(s.byStatus).toEqual(w?.byStatus);
      expect(s.failureRate).toBeCloseTo(w?.failureRate as number, 10);
      expect(s.timeoutRate).toBeCloseTo(w?.timeoutRate as number, 10);
      expectWithinBound(s.durationMs.p50, w?.p50);
      expectWithinBound(s.durationMs.p95, w?.p95);
      expectWithinBound(s.durationMs.p99, w?.p99);
    }
  });

  it("per workflow, with a time series whose buckets add up to the counts", async () => {
    const rows = (await workflowRows(execlens.database.db)).filter(inWindow("wkex_started_at"));
    const want = expected(
      rows,
      (r) => `${r.wkfl_id}|${r.wkex_workflow_name}`,
      "wkex_status",
      "wkex_total_duration_ms",
    );
    const { body } = await apiClient(execlens.apiUrl).get<{
      workflows: Array<{
        workflowId: string;
        workflowName: string;
        count: number;
        byStatus: object;
        failureRate: number;
        durationMs: { p50: number; p95: number };
        series: Array<{ count: number; failed: number; bucketStart: string }>;
      }>;
    }>("/api/stats/workflows", { from: from.toISOString(), to: to.toISOString(), bucket_seconds: 6 * 3600 });
    expect(body.workflows.length).toBe(want.size);
    for (const w of body.workflows) {
      const e = want.get(`${w.workflowId}|${w.workflowName}`);
      expect(w.count).toBe(e?.count);
      expect(w.byStatus).toEqual(e?.byStatus);
      expect(w.failureRate).toBeCloseTo(e?.failureRate as number, 10);
      expectWithinBound(w.durationMs.p50, e?.p50);
      expectWithinBound(w.durationMs.p95, e?.p95);
      expect(w.series.reduce((n, p) => n + p.count, 0)).toBe(w.count);
      expect(w.series.reduce((n, p) => n + p.failed, 0)).toBe(
        (e?.byStatus as Record<string, number> | undefined)?.failed ?? 0,
      );
      for (const point of w.series) expect(Date.parse(point.bucketStart) % (6 * 3600 * 1000)).toBe(0);
    }
  });

  it("refuses an empty or inverted window", async () => {
    const { status, body } = await apiClient(execlens.apiUrl).get<{ message: string }>("/api/stats/skills", {
      from: to.toISOString(),
      to: from.toISOString(),
    });
    expect(status).toBe(400);
    expect(body.message).toContain("from");
  });
});
