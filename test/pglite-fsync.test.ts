import fs, { mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../src/store/index.js";
import { queryRows } from "../src/store/transaction.js";

/** The files fsync()ed while `run` ran, by path (every fsync of the process goes through node:fs). */
async function fsyncedDuring(run: () => Promise<void>): Promise<string[]> {
  const original = fs.fsyncSync;
  const synced: string[] = [];
  fs.fsyncSync = (fd) => {
    synced.push(readlinkSync(`/proc/self/fd/${fd}`));
    original(fd);
  };
  // the named import in pglite-durable-fs.ts reads the replaced function too
  syncBuiltinESMExports();
  try {
    await run();
  } finally {
    fs.fsyncSync = original;
    syncBuiltinESMExports();
  }
  return synced;
}

/** The files fsync()ed by a transaction that inserts one row, in a table made beforehand. */
async function fsyncedByCommit(handle: DatabaseHandle): Promise<string[]> {
  await handle.db.execute(sql`CREATE TABLE acked (id int)`);
  return fsyncedDuring(() =>
    handle.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO acked VALUES (${1})`);
    }),
  );
}

async function setting(handle: DatabaseHandle, name: "fsync" | "wal_sync_method"): Promise<string> {
  const [row] = await queryRows<Record<string, string>>(handle.db, sql.raw(`SHOW ${name}`));
  return row?.[name] as string;
}

describe("PGlite on a data dir: commits reach the disk", () => {
  const dirs: string[] = [];
  const handles: DatabaseHandle[] = [];
  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const open = async (pgliteSettings?: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "execlens-fsync-"));
    dirs.push(dir);
    const handle = await openDatabase({ dataDir: dir }, { pgliteSettings });
    handles.push(handle);
    return { dir, handle };
  };

  it("fsyncs the WAL before a transaction's COMMIT returns (PGlite alone never does)", async () => {
    const { dir, handle } = await open();
    const synced = await fsyncedByCommit(handle);
    expect(synced.filter((path) => path.startsWith(join(dir, "pg_wal"))).length).toBeGreaterThan(0);
    expect(await setting(handle, "fsync")).toBe("on");
    expect(await setting(handle, "wal_sync_method")).toBe("fsync");
  });

  it("leaves the choice to EXECLENS_PGLITE_SETTINGS: fsync=off flushes nothing", async () => {
    const { handle } = await open({ fsync: "off" });
    const synced = await fsyncedByCommit(handle);
    expect(synced).toEqual([]);
    expect(await setting(handle, "fsync")).toBe("off");
  });
});
