import { readFileSync } from "node:fs";

/** A process's name and CPU times from /proc/<pid>/stat, in clock ticks (USER_HZ, 1/100 s on Linux). */
export interface ProcStat {
  readonly name: string;
  readonly user: number;
  readonly system: number;
  /** The time of its children that have exited and been reaped. */
  readonly childrenUser: number;
  readonly childrenSystem: number;
}

/** /proc/<pid>/stat read; null when the process is gone (or there is no such /proc). */
export function procStat(pid: number | string): ProcStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // after "pid (comm) ": state is field 3; utime, stime, cutime, cstime are fields 14–17
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
    user: Number(fields[11]),
    system: Number(fields[12]),
    childrenUser: Number(fields[13]),
    childrenSystem: Number(fields[14]),
  };
}
