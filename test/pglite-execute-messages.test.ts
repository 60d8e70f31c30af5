import { protocol } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../bench/seeded-random.js";
import { executeMessages } from "../src/store/pglite-execute-messages.js";

const { serialize } = protocol;

/** What PGlite's own serializer writes for the same run, concatenated. */
function pgliteMessages(statement: string, values: readonly (string | null)[]): Uint8Array {
  return Buffer.concat([
    serialize.bind({ statement, values: [...values] }),
    serialize.describe({ type: "P" }),
    serialize.execute({}),
    serialize.sync(),
  ]);
}

describe("executeMessages", () => {
  it("writes the bytes PGlite's serializer writes, for text of every UTF-8 width, nulls and no values", () => {
    const cases: Array<readonly (string | null)[]> = [
      [],
      [null],
      ["", null, "plain"],
      ['{"é":"ü","emoji":"😀","cjk":"漢字"}', '{a,"b\\"c",NULL}', "\u0000x", "lone \ud800 surrogate"],
      ["x".repeat(70_000), null, "ø".repeat(40_000)],
    ];
    for (const values of cases) {
      expect(Buffer.from(executeMessages("s_0123abcd", values))).toEqual(
        Buffer.from(pgliteMessages("s_0123abcd", values)),
      );
    }
  });

  it("agrees with it on random text", () => {
    const random = seededRandom(15);
    const alphabet = ["a", "Z", "9", " ", '"', "\\", "{", "é", "ß", "€", "😀", "\u2028", "漢"];
    for (let run = 0; run < 200; run++) {
      const values = Array.from({ length: random.int(6) }, () =>
        random.int(5) === 0
          ? null
          : Array.from({ length: random.int(300) }, () => random.pick(alphabet)).join(""),
      );
      expect(Buffer.from(executeMessages(`s_${run}`, values))).toEqual(
        Buffer.from(pgliteMessages(`s_${run}`, values)),
      );
    }
  });

  it("is a buffer of its own: PGlite reads it whole from offset 0", () => {
    const bytes = executeMessages("s_1", ["a"]);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
  });
});
