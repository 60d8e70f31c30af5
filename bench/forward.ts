/**
 * `npm run bench:forward`: the ingest of bench:ingest on PostgreSQL, three times on fresh
 * databases — without forwarding (the baseline), forwarding to a downstream that accepts
 * connections but never answers (slow), and forwarding to a port where nothing listens (down) —
 * and the throughput of each against the baseline, with the forward counters (queue of 1 MiB).
 * SMOKE=1 runs a small version.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { spawnExeclens } from "../test/helpers/child-execlens.js";
import { freshDatabase } from "./fresh-database.js";
import { sendBodies } from "./send.js";
import { ROWS_PER_TRACE, workloadBodies } from "./workload.js";

const smoke = process.env.SMOKE === "1";
const TRACES = smoke ? 60 : Number(process.env.TRACES ?? 1000);
const SENDERS = Number(process.env.SENDERS ?? 4);
/** Small enough that the run overflows it, so that dropping is part of what is measured. */
const FORWARD_QUEUE_BYTES = 1024 * 1024;

const held: ServerResponse[] = [];
const silent = createServer((req, res) => {
  req.resume();
  held.push(res);
});
await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
const slowUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;

const closed = createServer();
await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
const downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
await new Promise((resolve) => closed.close(resolve));

const bodies = await workloadBodies(TRACES);

async function run(name: string, forwardTo: string | undefined) {
  const env: Record<string, string> = { DATABASE_URL: await freshDatabase(`execlens_bench_forward_${name}`) };
  if (forwardTo !== undefined) {
    env.EXECLENS_FORWARD_OTLP_ENDPOINT = forwardTo;
    env.EXECLENS_FORWARD_QUEUE_BYTES = String(FORWARD_QUEUE_BYTES);
  }
  const child = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], env);
  const { otlpHttp, api } = await child.ready(60_000);
  const result = await sendBodies(otlpHttp, bodies, SENDERS);
  const metrics = await (await fetch(`${api}/metrics`)).text();
  const forward = Object.fromEntries(
    [
      ...metrics.matchAll(
        /execlens_forward_requests_total\{outcome="(\w+)"(?:,reason="(\w+)")?[^}]*\} (\d+)/g,
      ),
    ].map((m) => [m[2] ?? m[1], Number(m[3])]),
  );
  child.child.kill("SIGTERM");
  await child.exited;
  return {
    ms: Math.round(result.ms),
    rowsPerSecond: Math.round(((TRACES * ROWS_PER_TRACE) / result.ms) * 1000),
    answers: result.statuses,
    forward,
  };
}

const baseline = await run("none", undefined);
const slow = await run("slow", slowUrl);
const down = await run("down", downUrl);
for (const res of held) res.destroy();
silent.close();

const ratio = (r: { rowsPerSecond: number }) =>
  Math.round((r.rowsPerSecond / baseline.rowsPerSecond) * 100) / 100;
console.table({
  "no forwarding": { "rows/s": baseline.rowsPerSecond, ms: baseline.ms, ratio: 1 },
  "downstream never answers": { "rows/s": slow.rowsPerSecond, ms: slow.ms, ratio: ratio(slow) },
  "downstream down": { "rows/s": down.rowsPerSecond, ms: down.ms, ratio: ratio(down) },
});
console.log(
  JSON.stringify({ traces: TRACES, senders: SENDERS, requests: bodies.length, baseline, slow, down }),
);
