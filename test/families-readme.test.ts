import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { FAMILIES, familyTables } from "../src/mappers/index.js";

describe("the README", () => {
  it("holds the tables the family modules make (one per family, in their order)", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain(familyTables(FAMILIES));
    for (const family of FAMILIES) expect(readme).toContain(`#### ${family.name}`);
  });
});
