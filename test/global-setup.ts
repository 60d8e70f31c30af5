import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../src/store/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PGlite data dir made and migrated once per run, copied for each PGlite test database. */
    pgliteTemplate: string;
  }
}

/**
 * initdb and the migrations of a PGlite data dir take seconds (README "Footprint"); dozens of test
 * files each open several. They are made once here, and each test database starts as a copy.
 * The migrations themselves are tested from empty data dirs (test/migrations.test.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), "execlens-template-"));
  const handle = await openDatabase({ dataDir });
  await handle.close();
  project.provide("pgliteTemplate", dataDir);
  return () => rm(dataDir, { recursive: true, force: true });
}
