import { describe, expect, it } from "vitest";
import { sourceIdToUuid, uuidV5, uuidV7Deterministic } from "./ids.js";

describe("uuids", () => {
  it("computes RFC 9562 UUIDv5 (the RFC's DNS example)", () => {
    expect(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  it("keeps UUIDs and maps other source ids deterministically", () => {
    expect(sourceIdToUuid("0B8E4C1A-1D2F-4E3A-9B4C-5D6E7F8A9B0C")).toBe(
      "0b8e4c1a-1d2f-4e3a-9b4c-5d6e7f8a9b0c",
    );
    expect(sourceIdToUuid("user-123")).toBe(sourceIdToUuid("user-123"));
    expect(sourceIdToUuid("user-123")).not.toBe(sourceIdToUuid("user-124"));
  });

  it("lays out v7 ids with the timestamp first, so they sort by time", () => {
    const early = uuidV7Deterministic(1_700_000_000_000, "a");
    const late = uuidV7Deterministic(1_700_000_000_001, "a");
    expect(early).toMatch(/^018bcfe5-6800-7/);
    expect(early < late).toBe(true);
    expect(uuidV7Deterministic(1_700_000_000_000, "a")).toBe(early);
  });
});
