import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Lifecycle } from "./lifecycle.js";

/** A pino logger whose lines the test reads back. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "warn" }, stream), lines };
}

describe("Lifecycle", () => {
  it("stops every component in reverse order by the deadline, leaving behind one that never stops", async () => {
    const { logger, lines } = recordingLogger();
    const lifecycle = new Lifecycle(logger);
    const stopped: string[] = [];
    lifecycle.add({ name: "database", stop: async () => void stopped.push("database") });
    lifecycle.add({ name: "writer", stop: () => new Promise<void>(() => undefined) });
    lifecycle.add({
      name: "receiver",
      stop: async () => {
        stopped.push("receiver");
        throw new Error("port already closed");
      },
    });
    const started = Date.now();
    await lifecycle.stop(300);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stopped).toEqual(["receiver", "database"]);
    const warnings = lines.map((line) => [line.component, line.msg]);
    expect(warnings).toContainEqual(["receiver", "stopping a component failed"]);
    expect(warnings).toContainEqual([
      "writer",
      "a component was still stopping at the shutdown deadline; left behind",
    ]);
    expect(warnings).toContainEqual([undefined, "shutdown deadline passed; connections dropped"]);
  });

  it("waits for components that finish before the deadline", async () => {
    const { logger, lines } = recordingLogger();
    const lifecycle = new Lifecycle(logger);
    let finished = false;
    lifecycle.add({
      name: "writer",
      stop: async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
      },
    });
    await lifecycle.stop(5_000);
    expect(finished).toBe(true);
    expect(lines).toEqual([]);
  });
});
