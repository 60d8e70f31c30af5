import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
    // vitest's default leaves a core free: one worker on a two-core machine. Most tests wait (on
    // child processes, servers, timers, the database), so two workers there nearly halve the run.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
