import { readdirSync } from "node:fs";
import { procStat } from "../test/helpers/proc-stat.js";

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
    const stat = procStat(pid);
    // gone meanwhile, or another program
    if (stat === null || stat.name !== "postgres") continue;
    seen = true;
    ticks += stat.user + stat.system + stat.childrenUser + stat.childrenSystem;
  }
  return seen ? ticks * ticksToNanos : null;
}
