import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { procStat } from "./proc-stat.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ChildExeclens {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Resolves with the URLs from the ready log line. */
  ready(timeoutMs?: number): Promise<{ otlpHttp: string; api: string }>;
  /** Resident set size in bytes, from /proc. */
  rss(): number;
  /** The highest resident set size so far, in bytes (VmHWM). */
  peakRss(): number;
  /** CPU time its threads have used so far, in nanoseconds, from /proc. */
  cpuNanos(): number;
  /** CPU time so far in user space and in the kernel, in clock ticks (1/100 s), from /proc. */
  cpuTicks(): { user: number; system: number };
  output(): { stdout: string; stderr: string };
}

/** Children still running: a test or benchmark that fails half-way must not leave them behind. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** execlens as its own process (`bin/execlens`, as `npm start` and the package run it), for signals, crashes and memory. */
export function spawnExeclens(
  args: string[],
  env: Record<string, string>,
  command = "bin/execlens",
): ChildExeclens {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, EXECLENS_LOG_LEVEL: "info", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  // "close", not "exit": by then stdout and stderr are read to the end, so a crash's last words are in output()
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    ready: (timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const began = Date.now();
        const timer = setInterval(() => {
          const line = stdout.split("\n").find((l) => l.includes('"execlens is ready"'));
          if (line !== undefined) {
            clearInterval(timer);
            resolve(JSON.parse(line));
          } else if (child.exitCode !== null || Date.now() - began > timeoutMs) {
            clearInterval(timer);
            reject(new Error(`execlens did not become ready: ${stderr}${stdout}`));
          }
        }, 25);
      }),
    rss: () => procStatusBytes(child, "VmRSS"),
    peakRss: () => procStatusBytes(child, "VmHWM"),
    cpuNanos: () => procCpuNanos(child),
    cpuTicks: () => {
      const stat = procStat(child.pid as number);
      if (stat === null) throw new Error(`execlens (pid ${child.pid}) has exited`);
      return { user: stat.user, system: stat.system };
    },
    output: () => ({ stdout, stderr }),
  };
}

function procStatusBytes(child: ChildProcess, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** The first field of each thread's schedstat: its time on a CPU, in nanoseconds (finer than utime's ticks). */
function procCpuNanos(child: ChildProcess): number {
  const tasks = `/proc/${child.pid}/task`;
  return readdirSync(tasks).reduce(
    (sum, task) => sum + Number(readFileSync(`${tasks}/${task}/schedstat`, "utf8").split(" ")[0]),
    0,
  );
}
