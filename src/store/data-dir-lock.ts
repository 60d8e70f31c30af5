import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The file in a PGlite data dir naming the process that has it open. PGlite's own
 * `postmaster.pid` cannot tell: every PGlite writes the same fake pid into it, so a second
 * execlens (or `execlens rollups rebuild`) would open the files a running one is writing.
 */
export const DATA_DIR_LOCK_FILE = "execlens.pid";

/** Whether a process with this pid runs (one of another user counts: it cannot be signalled, but it is there). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid written in the lock file; undefined when there is no file (it was just released). */
function holderOf(path: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(path, "utf8"), 10);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Takes `dataDir` (created if missing) for this process, or fails when a running process holds
 * it. A lock left by a process that is gone (killed, crashed) is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
      return () => {
        if (holderOf(path) === process.pid) unlinkSync(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = holderOf(path);
    if (holder === undefined) continue;
    // in a container execlens is often pid 1 again after a restart: its own pid is a stale lock
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && running(holder)) {
      throw new Error(
        `the data dir ${dataDir} is in use by another execlens (pid ${holder}): stop it, or give this one ` +
          `its own EXECLENS_DATA_DIR (if no execlens runs there, remove ${path})`,
      );
    }
    rmSync(path, { force: true });
  }
}
