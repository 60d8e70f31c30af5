/**
 * `npm run bench:allocations`: what the ingest path allocates in the execlens process. The ingest
 * workload goes through decode, map and write (one batch after another, as in
 * bench:ingest-profile) into a fresh PostgreSQL database while V8's sampling heap profiler counts
 * every allocation, those collected since included. Prints the bytes allocated per span and the
 * functions that allocate the most: what the young generation's collections (a tenth of the
 * process's CPU under load) grow with. WORKLOAD=conventions for the conventions-only workload.
 */
import { Session } from "node:inspector/promises";
import { decodeProtobufRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { analyzeGrownTables, openDatabase, writeChanges } from "../src/store/index.js";
import { ANALYZE_INTERVAL_MS } from "../src/upkeep/index.js";
import { freshDatabase } from "./fresh-database.js";
import { type Workload, workloadBodies } from "./workload.js";

const TRACES = process.env.SMOKE === "1" ? 50 : Number(process.env.TRACES ?? 1000);
const workload: Workload = process.env.WORKLOAD === "conventions" ? "conventions" : "ai";

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

const bodies = await workloadBodies(TRACES, 7, workload);
const handle = await openDatabase({ databaseUrl: await freshDatabase("execlens_bench_allocations") });
const session = new Session();
session.connect();
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 16_384,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
} as never);
let spans = 0;
const analyzedAt = new Map<string, number>();
let checkedAt = performance.now();
for (const body of bodies) {
  if (performance.now() - checkedAt >= ANALYZE_INTERVAL_MS) {
    checkedAt = performance.now();
    await analyzeGrownTables(handle.db, analyzedAt);
  }
  const decoded = decodeProtobufRequest(body);
  spans += decoded.spans.length;
  await writeChanges(handle.db, mapSpans(decoded.spans));
}
const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: ProfileNode } };
session.disconnect();
await handle.close();

const byFunction = new Map<string, number>();
let total = 0;
/**
 * A built-in (`sort`, `join`, an iterator's `next`: no script) is named with the function that
 * called it: "sort" alone does not say which sort allocates.
 */
const visit = (node: ProfileNode, caller: string | null) => {
  const { functionName, url } = node.callFrame;
  const own = `${functionName || "(anonymous)"} ${url.replace(/.*\/node_modules\//, "").replace(/.*\/(src|bench)\//, "$1/")}`;
  const builtIn = url === "" && caller !== null;
  const where = builtIn ? `${functionName} <- ${caller}` : own;
  byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children) visit(child, url === "" ? caller : own);
};
visit(profile.head, null);
console.table(
  [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([where, bytes]) => ({
      where,
      MB: Math.round(bytes / 1e5) / 10,
      share: `${((bytes / total) * 100).toFixed(1)} %`,
    })),
);
console.log(
  JSON.stringify({
    workload,
    traces: TRACES,
    spans,
    allocatedMB: Math.round(total / 1e6),
    allocatedKBPerSpan: Math.round(total / spans / 100) / 10,
  }),
);
