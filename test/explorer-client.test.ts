import { describe, expect, it } from "vitest";

/**
 * The browser client's pure modules (plain ES modules with JSDoc types, no DOM), imported as the
 * browser imports them. The path is built at run time: the client is checked by its own tsconfig.
 */
const client = (name: string): Promise<unknown> =>
  import(new URL(`../src/server/explorer/client/${name}`, import.meta.url).href);

const { parseInstant, formatDuration, formatCost } = (await client("format.js")) as {
  parseInstant(text: string): number;
  formatDuration(ms: number | null): string;
  formatCost(usd: number | null): string;
};
const { timelineOf } = (await client("timeline-model.js")) as {
  timelineOf(
    detail: unknown,
    now: number,
  ): {
    entries: Array<{
      key: string;
      kind: string;
      depth: number;
      start: number;
      end: number;
      running: boolean;
    }>;
    start: number;
    end: number;
  };
};
const { listQueryOf } = (await client("list-query.js")) as {
  listQueryOf(
    params: URLSearchParams,
    now: number,
  ): { kind: string; filters: Record<string, string>; openEnded: boolean };
};

describe("the explorer's client", () => {
  it("parses API timestamps with microseconds, offsets or none, keeping their order", () => {
    const second = Date.parse("2026-01-01T00:00:00Z");
    expect(parseInstant("2026-01-01T00:00:00.787716Z")).toBeCloseTo(second + 787.716, 6);
    expect(parseInstant("2026-01-01T00:00:00.787Z")).toBe(second + 787);
    expect(parseInstant("2026-01-01T00:00:00Z")).toBe(second);
    expect(parseInstant("2026-01-01T01:00:00.5+01:00")).toBe(second + 500);
    // nanoseconds parse too (a double keeps about a quarter of a microsecond at this magnitude)
    expect(parseInstant("2026-01-01T00:00:00.787716123Z")).toBeCloseTo(second + 787.716, 3);
    expect(parseInstant("2026-01-01T00:00:00.787716Z")).toBeLessThan(
      parseInstant("2026-01-01T00:00:00.787717Z"),
    );
    expect(parseInstant("not a date")).toBeNaN();
  });

  it("formats durations and costs for people", () => {
    expect([0, 0.25, 12.4, 1234, 65_000, 7_380_000].map(formatDuration)).toEqual([
      "0",
      "0.25 ms",
      "12 ms",
      "1.23 s",
      "1 min 05 s",
      "2 h 03 min",
    ]);
    expect([null, 0, 0.00042, 1.5].map(formatCost)).toEqual(["—", "$0", "$0.00042", "$1.50"]);
  });

  it("orders the timeline by start to the microsecond, nests by time, and draws what runs to now", () => {
    const at = (us: number) => `2026-01-01T00:00:00.${String(us).padStart(6, "0")}Z`;
    const detail = {
      workflowName: "w",
      status: "running",
      startedAt: at(0),
      completedAt: null,
      totalDurationMs: null,
      steps: [
        {
          wstpId: "s1",
          stepId: "one",
          stepOrder: 1,
          status: "completed",
          startedAt: at(100),
          completedAt: at(500_000),
          durationMs: 500,
        },
        {
          wstpId: "s2",
          stepId: "two",
          stepOrder: 2,
          status: "running",
          startedAt: at(600_000),
          completedAt: null,
          durationMs: null,
        },
      ],
      skills: [
        {
          execId: "k1",
          skillName: "k",
          status: "completed",
          startedAt: at(101),
          completedAt: at(400_000),
          durationMs: 400,
        },
      ],
      llmCalls: [
        {
          spanId: "c2",
          model: "m",
          operation: "chat",
          errorMessage: "boom",
          startedAt: at(200_001),
          completedAt: at(300_000),
          durationMs: 100,
        },
        {
          spanId: "c1",
          model: "m",
          operation: "chat",
          errorMessage: null,
          startedAt: at(200_000),
          completedAt: at(250_000),
          durationMs: 50,
        },
        {
          spanId: "c3",
          model: "m",
          operation: "chat",
          errorMessage: null,
          startedAt: at(550_000),
          completedAt: at(560_000),
          durationMs: 10,
        },
      ],
    };
    const now = parseInstant(at(900_000));
    const timeline = timelineOf(detail, now);
    expect(timeline.entries.map((e) => `${e.key}@${e.depth}`)).toEqual([
      "workflow@0",
      "step:s1@1",
      "skill:k1@2",
      "llm:c1@3",
      "llm:c2@3",
      "llm:c3@1",
      "step:s2@1",
    ]);
    const running = timeline.entries.filter((e) => e.running).map((e) => e.key);
    expect(running).toEqual(["workflow", "step:s2"]);
    expect(timeline.end).toBe(now);
    // a server without llmCalls (before they were added) gives no model rows, and no error
    expect(timelineOf({ ...detail, llmCalls: undefined }, now).entries.some((e) => e.kind === "llm")).toBe(
      false,
    );
  });

  it("turns the list's URL into the API's query", () => {
    const now = Date.parse("2026-01-02T00:00:00Z");
    const workflows = listQueryOf(
      new URLSearchParams("status=failed&workflow_id=w&skill_id=s&range=24h&user_id=+u+"),
      now,
    );
    expect(workflows).toEqual({
      kind: "workflows",
      filters: { status: "failed", user_id: "u", workflow_id: "w", started_from: "2026-01-01T00:00:00.000Z" },
      openEnded: true,
    });
    const skills = listQueryOf(
      new URLSearchParams("kind=skills&skill_id=s&workflow_id=w&range=24h&from=2025-12-31T10:00"),
      now,
    );
    expect(skills.kind).toBe("skills");
    expect(skills.filters.skill_id).toBe("s");
    expect(skills.filters.workflow_id).toBeUndefined();
    expect(skills.filters.started_from).toBe(new Date("2025-12-31T10:00").toISOString()); // from wins over range
    expect(listQueryOf(new URLSearchParams("to=2026-01-01T00:00"), now).openEnded).toBe(false);
    expect(listQueryOf(new URLSearchParams("from=garbage"), now).filters.started_from).toBeUndefined();
  });
});
