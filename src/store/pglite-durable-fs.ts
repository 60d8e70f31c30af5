import { closeSync, fsyncSync, openSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

type EmscriptenOptions = Awaited<ReturnType<NodeFS["init"]>>["emscriptenOpts"];

/** The part of Emscripten's NODEFS this file system completes: its stream operations. */
interface NodeFileSystem {
  readonly stream_ops: { fsync?: (stream: { nfd?: number }) => number };
}

/**
 * PGlite starts PostgreSQL with `fsync=off` (`-F`), and Emscripten's NODEFS, which keeps its
 * files on disk, has no fsync: a committed transaction sat in the kernel's page cache, lost (or
 * its files torn) when the machine stopped before writing it out. These are the settings that make
 * PostgreSQL flush its WAL at every commit and its data files at checkpoints with fsync(),
 * which {@link DurableNodeFS} passes to the file. (`fdatasync`, PostgreSQL's default on Linux,
 * is a no-op in Emscripten.)
 */
export const DURABLE_START_PARAMS: readonly string[] = ["-c", "fsync=on", "-c", "wal_sync_method=fsync"];

/** PGlite's NodeFS, with an fsync that reaches the disk (see {@link DURABLE_START_PARAMS}). */
export class DurableNodeFS extends NodeFS {
  override async init(
    pg: PGlite,
    options: Partial<EmscriptenOptions>,
  ): Promise<{ emscriptenOpts: Partial<EmscriptenOptions> }> {
    const { emscriptenOpts } = await super.init(pg, options);
    const withFsync: NonNullable<EmscriptenOptions["preRun"]>[number] = (mod) => {
      // NODEFS is on the module at run time; PGlite's types leave it out
      const { NODEFS } = mod as unknown as { NODEFS: NodeFileSystem };
      NODEFS.stream_ops.fsync = (stream) => {
        if (stream.nfd !== undefined) fsyncSync(stream.nfd);
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [withFsync, ...(emscriptenOpts.preRun ?? [])] } };
  }
}

/**
 * Writes a data dir made without fsync (initdb and the migrations, in PGlite's child process) to
 * the disk: every file, then every directory (their entries), before the first commit is answered.
 */
export function syncDataDir(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) syncDataDir(path);
    else if (entry.isFile()) syncPath(path, "r+");
  }
  syncPath(dir, "r");
}

function syncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
