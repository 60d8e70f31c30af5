import { describe, expect, it } from "vitest";
import { parseTimestamp, timestampFromNanos, timestampMicros } from "./timestamp.js";

describe("timestamps", () => {
  it("keep the microseconds of an OTLP time and truncate the nanoseconds", () => {
    expect(timestampFromNanos(1_767_225_600_787_716_409n)).toBe("2026-01-01T00:00:00.787716Z");
    expect(timestampFromNanos(0n)).toBe("1970-01-01T00:00:00.000000Z");
    expect(timestampMicros("2026-01-01T00:00:00.787716Z")).toBe(1_767_225_600_787_716n);
  });

  it("read PostgreSQL's timestamptz text in any session time zone, and clients' ISO 8601", () => {
    const same = "2026-01-01T00:00:00.787716Z";
    for (const text of [
      "2026-01-01 00:00:00.787716+00",
      "2026-01-01 05:30:00.787716+05:30",
      "2025-12-31 21:00:00.787716-03",
      "2026-01-01T00:00:00.787716409Z",
      "2026-01-01T01:00:00.787716+0100",
    ]) {
      expect(parseTimestamp(text), text).toBe(same);
    }
    expect(parseTimestamp("2026-01-01 00:00:00+00")).toBe("2026-01-01T00:00:00.000000Z");
    expect(parseTimestamp("2026-01-01T00:00Z")).toBe("2026-01-01T00:00:00.000000Z");
    expect(parseTimestamp("2026-01-01T00:00:00.5Z")).toBe("2026-01-01T00:00:00.500000Z");
    expect(parseTimestamp("2026-01-01")).toBe("2026-01-01T00:00:00.000000Z");
    expect(parseTimestamp("2026-01-01T10:00:00")).toBe("2026-01-01T10:00:00.000000Z");
  });

  it("refuse what is not a date-time", () => {
    for (const text of ["yesterday", "2026-02-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T", ""]) {
      expect(parseTimestamp(text), text).toBeUndefined();
    }
  });
});
