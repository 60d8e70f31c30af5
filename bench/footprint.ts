/**
 * `npm run bench:footprint`: what one execlens costs beside an app. Starts the real
 * `bin/execlens` (built `dist/`) as its own process and reads its resident size from /proc:
 * right after ready, idle, and under the bench:ingest workload on embedded PGlite; start-to-ready
 * time on a fresh and on an existing PGlite data dir and on the PostgreSQL server; and the size
 * of `npm ci --omit=dev` for the packed package, which is then started to show that it runs.
 * Each figure is printed beside its target (issue 20). SMOKE=1 runs a short version;
 * EXECLENS_BIN measures another build's `bin/execlens` (a copy of an older `dist/`, to compare).
 */
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ChildExeclens, spawnExeclens } from "../test/helpers/child-execlens.js";
import { freshDatabase } from "./fresh-database.js";
import { sendBodies } from "./send.js";
import { ROWS_PER_TRACE, workloadBodies } from "./workload.js";

const run = promisify(execFile);
const smoke = process.env.SMOKE === "1";
const REPEAT = smoke ? 1 : Number(process.env.REPEAT ?? 3);
const IDLE_MS = smoke ? 1000 : Number(process.env.IDLE_MS ?? 5000);
const TRACES = smoke ? 100 : Number(process.env.TRACES ?? 3000);
const SENDERS = Number(process.env.SENDERS ?? 4);
/** The install (npm registry or npm's cache; ~20 s) is measured unless INSTALL=0, and under SMOKE=1 only with INSTALL=1. */
const INSTALL = smoke ? process.env.INSTALL === "1" : process.env.INSTALL !== "0";
const PORTS = ["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"];
const root = new URL("..", import.meta.url).pathname;
const MB = 1024 * 1024;
const BIN = process.env.EXECLENS_BIN;

interface Started {
  readonly execlens: ChildExeclens;
  readonly readyMs: number;
  readonly readyRss: number;
  readonly readyPeak: number;
  readonly otlpHttp: string;
}

async function start(env: Record<string, string>, command = BIN): Promise<Started> {
  const began = performance.now();
  const execlens = spawnExeclens(PORTS, env, command);
  const { otlpHttp } = await execlens.ready(120_000);
  return {
    execlens,
    readyMs: performance.now() - began,
    readyRss: execlens.rss(),
    readyPeak: execlens.peakRss(),
    otlpHttp,
  };
}

async function stop({ execlens }: Started): Promise<void> {
  execlens.child.kill("SIGTERM");
  const code = await execlens.exited;
  if (code !== 0)
    throw new Error(
      `execlens exited with ${code ?? execlens.child.signalCode}: ${execlens.output().stderr}${execlens.output().stdout.slice(-2000)}`,
    );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts REPEAT times; the last start stays up for IDLE_MS and gives the idle figure. */
async function starts(env: () => Promise<Record<string, string>>) {
  const runs: Started[] = [];
  let idleRss = 0;
  for (let i = 0; i < REPEAT; i++) {
    const started = await start(await env());
    runs.push(started);
    if (i === REPEAT - 1) {
      await sleep(IDLE_MS);
      idleRss = started.execlens.rss();
    }
    await stop(started);
  }
  return {
    readyMs: runs.map((r) => r.readyMs),
    readyRss: runs.map((r) => r.readyRss),
    readyPeak: runs.map((r) => r.readyPeak),
    idleRss,
  };
}

/** The bench:ingest workload sent to a running execlens while its RSS is sampled every 100 ms. */
async function underIngest(started: Started) {
  const bodies = await workloadBodies(TRACES, 7);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(started.execlens.rss()), 100);
  const sent = await sendBodies(started.otlpHttp, bodies, SENDERS);
  clearInterval(sampler);
  samples.push(started.execlens.rss());
  const rejected = Object.entries(sent.statuses).filter(([status]) => status !== "200");
  return {
    maxRss: Math.max(...samples),
    endRss: samples[samples.length - 1] ?? 0,
    peak: started.execlens.peakRss(),
    rowsPerSecond: Math.round(((TRACES * ROWS_PER_TRACE) / sent.ms) * 1000),
    retried: rejected.reduce((sum, [, n]) => sum + n, 0),
  };
}

/** `npm pack`, then `npm ci --omit=dev` of the packed package with the lock file, then a start of it. */
async function install() {
  const dir = await mkdtemp(join(tmpdir(), "execlens-footprint-"));
  try {
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: root,
    });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    await run("tar", ["xzf", join(dir, filename), "-C", dir]);
    const pkg = join(dir, "package");
    await copyFile(join(root, "package-lock.json"), join(pkg, "package-lock.json"));
    await copyFile(join(root, ".npmrc"), join(pkg, ".npmrc"));
    await run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: pkg });
    const bytes = Number((await run("du", ["-sb", join(pkg, "node_modules")])).stdout.split("\t")[0]);
    const started = await start({ EXECLENS_DATA_DIR: join(dir, "data") }, join(pkg, "bin/execlens"));
    await stop(started);
    return { bytes, readyMs: started.readyMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function devInstallBytes(): Promise<number> {
  return Number((await run("du", ["-sb", join(root, "node_modules")])).stdout.split("\t")[0]);
}

const dataDirs: string[] = [];
const newDataDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "execlens-footprint-data-"));
  dataDirs.push(dir);
  return { EXECLENS_DATA_DIR: dir };
};

try {
  const fresh = await starts(newDataDir);
  const existingDir = await newDataDir();
  await stop(await start(existingDir));
  const existing = await starts(async () => existingDir);
  const loaded = await start(existingDir);
  const ingest = await underIngest(loaded);
  await sleep(IDLE_MS);
  const afterIngestRss = loaded.execlens.rss();
  await stop(loaded);

  const databaseUrl = await freshDatabase("execlens_bench_footprint");
  const postgres = await starts(async () => ({ DATABASE_URL: databaseUrl }));
  const installed = INSTALL ? await install() : undefined;
  const devBytes = await devInstallBytes();

  const mb = (bytes: number) => Math.round(bytes / MB);
  const range = (values: number[], unit: (v: number) => number) => {
    const lo = unit(Math.min(...values));
    const hi = unit(Math.max(...values));
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  };
  const ms = (v: number) => Math.round(v);
  const row = (figure: string, value: string, target: string, met?: boolean) => ({
    figure,
    value,
    target,
    met: met === undefined ? "" : met ? "yes" : "NO",
  });
  const rows = [
    row("PGlite, fresh data dir: ready, ms", range(fresh.readyMs, ms), ""),
    row("PGlite, fresh data dir: peak RSS to ready, MB", range(fresh.readyPeak, mb), ""),
    row("PGlite, fresh data dir: RSS at ready, MB", range(fresh.readyRss, mb), ""),
    row(
      "PGlite, existing data dir: ready, ms",
      range(existing.readyMs, ms),
      "≤ 1500",
      Math.min(...existing.readyMs) <= 1500,
    ),
    row("PGlite, existing data dir: peak RSS to ready, MB", range(existing.readyPeak, mb), ""),
    row("PGlite, existing data dir: RSS at ready, MB", range(existing.readyRss, mb), ""),
    row(
      `PGlite: RSS idle (${IDLE_MS / 1000} s after ready), MB`,
      `${mb(existing.idleRss)}`,
      "≤ 250",
      existing.idleRss <= 250 * MB,
    ),
    row(
      `PGlite: RSS under ingest (${TRACES} traces), max, MB`,
      `${mb(ingest.maxRss)}`,
      "≤ 300",
      ingest.maxRss <= 300 * MB,
    ),
    row("PGlite: RSS at the end of ingest, MB", `${mb(ingest.endRss)}`, ""),
    row(`PGlite: RSS ${IDLE_MS / 1000} s after ingest, MB`, `${mb(afterIngestRss)}`, ""),
    row("PGlite: ingest, rows/s", `${ingest.rowsPerSecond}`, "≥ before (RESULTS.md)"),
    row("PostgreSQL: ready, ms", range(postgres.readyMs, ms), "≤ 500", Math.min(...postgres.readyMs) <= 500),
    row("PostgreSQL: RSS at ready, MB", range(postgres.readyRss, mb), ""),
    row(
      `PostgreSQL: RSS idle (${IDLE_MS / 1000} s after ready), MB`,
      `${mb(postgres.idleRss)}`,
      "≤ 120",
      postgres.idleRss <= 120 * MB,
    ),
    ...(installed === undefined
      ? []
      : [
          row(
            "npm ci --omit=dev: node_modules (apparent size), MB",
            `${mb(installed.bytes)}`,
            "≤ 150",
            installed.bytes <= 150 * MB,
          ),
          row("installed package: ready on a fresh data dir, ms", `${ms(installed.readyMs)}`, "starts"),
        ]),
    row("npm ci (with dev): node_modules, MB", `${mb(devBytes)}`, ""),
  ];
  console.log(`${REPEAT} start(s) per case; ranges are min–max`);
  console.table(rows);
  console.log(
    JSON.stringify({
      repeat: REPEAT,
      idleMs: IDLE_MS,
      traces: TRACES,
      fresh,
      existing,
      ingest: { ...ingest, afterIngestRss },
      postgres,
      installed,
      devBytes,
    }),
  );
} finally {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
}
