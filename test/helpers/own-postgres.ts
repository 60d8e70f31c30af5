import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * A PostgreSQL server of the test's own (own data directory, own port), which the test may
 * stop and start. PostgreSQL refuses to run as root, so it runs as the `postgres` user.
 * With `standbyOf` (another own server's URL) it is a hot standby streaming from that one.
 */
export async function ownPostgres(options: { standbyOf?: string } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "execlens-pg-"));
  const port = await freePort();
  const asPostgres = (command: string, args: string[]) =>
    process.getuid?.() === 0
      ? run("runuser", ["-u", "postgres", "--", command, ...args])
      : run(command, args);
  if (process.getuid?.() === 0) await run("chown", ["postgres", dir]);
  const data = join(dir, "data");
  if (options.standbyOf === undefined) {
    await asPostgres(`${BIN}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  } else {
    const primary = new URL(options.standbyOf);
    await asPostgres(`${BIN}/pg_basebackup`, [
      ...["-h", primary.hostname, "-p", primary.port, "-U", "postgres", "-D", data],
      ...["-R", "-X", "stream", "--no-sync"],
    ]);
  }
  const pgCtl = (action: "start" | "stop") =>
    asPostgres(`${BIN}/pg_ctl`, [
      "-D",
      data,
      "-w",
      "-l",
      join(dir, "log"),
      ...(action === "start"
        ? ["-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]
        : ["-m", "fast", "stop"]),
    ]);
  await pgCtl("start");
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => pgCtl("start"),
    stop: () => pgCtl("stop"),
    async destroy() {
      await pgCtl("stop").catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
