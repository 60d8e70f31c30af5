import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/self-telemetry.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";

/** The JSON lines a logger made by createLogger writes. */
function capturedLogger() {
  const lines: string[] = [];
  const logger = createLogger("info", { write: (line: string) => lines.push(line) });
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** An app's prompt: what a failed batch's parameters carry. */
const PROMPT = `Customer 4521 asks about invoice 7781: ${"a long private conversation ".repeat(4000)}`;

describeEachDatabase("a failed statement in the log", (kind) => {
  const db = useOpenDatabase(kind);

  it("keeps the database's error and the statement's start, not the statement's values", async () => {
    const insert = sql`INSERT INTO "WorkflowExecutions" (wkex_id, wkex_execution_id, wkex_status, wkex_attributes)
      VALUES ('9b0c6c1e-2f5d-4c7e-9a51-3f0e8d2b7c11', 'log-error', 'running', ${JSON.stringify({ prompt: PROMPT })}::jsonb)`;
    await db.handle.db.execute(insert);
    const error = await db.handle.db.execute(insert).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(String((error as Error).message)).toContain("a long private conversation");

    const { logger, lines } = capturedLogger();
    logger.warn({ err: error }, "could not store a batch; answered retry later");
    const [line] = lines();
    const text = JSON.stringify(line);
    expect(text).not.toContain("a long private conversation");
    expect(text.length).toBeLessThan(5000);
    expect(line?.err).toMatchObject({
      code: "23505",
      message: expect.stringContaining("duplicate key value violates unique constraint"),
      query: expect.stringMatching(/^INSERT INTO "WorkflowExecutions" \(wkex_id/),
    });
    // where the statement was run from: this test
    expect((line?.err as { stack?: string } | undefined)?.stack).toContain("log-error.test.ts");
  });
});

describe("other errors in the log", () => {
  it("keep their message and their causes', cut at 2,000 characters", () => {
    const { logger, lines } = capturedLogger();
    logger.error(
      { err: new Error("stop failed", { cause: new Error("the pool did not close") }) },
      "stop failed",
    );
    logger.error({ err: new Error(`bad value ${"x".repeat(10_000)}`) }, "API request failed");
    const [withCause, long] = lines().map((line) => line.err as { message: string; stack: string });
    expect(withCause?.message).toBe("stop failed: the pool did not close");
    expect(withCause?.stack).toContain("caused by: Error: the pool did not close");
    expect(long?.message).toMatch(/^bad value x+…\[10010 characters\]$/);
    expect(long?.message.length).toBeLessThan(2100);
  });
});
