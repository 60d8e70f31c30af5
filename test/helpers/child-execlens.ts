import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ChildExeclens {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Resolves with the URLs from the ready log line. */
  ready(timeoutMs?: number): Promise<{ otlpHttp: string; api: string }>;
  /** Resident set size in bytes, from /proc. */
  rss(): number;
  output(): { stdout: string; stderr: string };
}

/** execlens as its own process (`node bin/execlens.js`), for signals, crashes and memory. */
export function spawnExeclens(args: string[], env: Record<string, string>): ChildExeclens {
  // as `npm start` and the bin's shebang run it: with the heap cap
  const child = spawn(process.execPath, ["--max-old-space-size=256", "bin/execlens.js", ...args], {
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
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
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
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      return kb * 1024;
    },
    output: () => ({ stdout, stderr }),
  };
}
