import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time, in nanoseconds, that the PostgreSQL server on this machine has used so far: user and
 * system time of every `postgres` process, with the time of the backends that have exited (the
 * postmaster's reaped children). The difference over a run is the server's CPU for it, when
 * nothing else uses the server meanwhile. null where no PostgreSQL process is visible (a remote
 * server, another /proc).
 */
export function postgresCpuNanos(): number | null {
  const ticksToNanos = 1e9 / 100; // USER_HZ is 100 on Linux
  let ticks = 0;
  let seen = false;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    if (name !== "postgres") continue;
    seen = true;
    // after "pid (comm) ": state is field 3; utime, stime, cutime, cstime are fields 14–17
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    for (const index of [11, 12, 13, 14]) ticks += Number(fields[index]);
  }
  return seen ? ticks * ticksToNanos : null;
}
