/**
 * `npm run bench:map`: the CPU time of mapping alone (spans in, row changes out), per span, on
 * the ingest workload decoded once: the part of ingest that runs in the execlens process and
 * grows with every span. Prints the median and the best of ROUNDS rounds (WORKLOAD=conventions
 * for the conventions-only workload), and the same of decoding the protobuf requests.
 */
import { decodeProtobufRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { median } from "./median.js";
import { type Workload, workloadBodies } from "./workload.js";

const TRACES = Number(process.env.TRACES ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const workload: Workload = process.env.WORKLOAD === "conventions" ? "conventions" : "ai";

const bodies = await workloadBodies(TRACES, 7, workload);
const spans = bodies.reduce((n, body) => n + decodeProtobufRequest(body).spans.length, 0);

/** CPU µs per span of each of ROUNDS runs of `work` over the workload, after a run that warms the code up. */
function cpuMicrosPerSpan(work: () => void): number[] {
  work();
  return Array.from({ length: ROUNDS }, () => {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / spans;
  });
}

// decoding first, while the heap holds no decoded request: its rounds time the decoder, not the
// collection of what mapping left behind
const decodeMicros = cpuMicrosPerSpan(() => {
  for (const body of bodies) decodeProtobufRequest(body);
});
const requests = bodies.map((body) => decodeProtobufRequest(body).spans);
const micros = cpuMicrosPerSpan(() => {
  for (const request of requests) mapSpans(request);
});
const medianOf = (values: number[]) => Number(median(values).toFixed(1));
const best = (values: number[]) => Number(Math.min(...values).toFixed(1));
console.log(
  JSON.stringify({
    workload,
    spans,
    rounds: ROUNDS,
    cpuMicrosPerSpanMedian: medianOf(micros),
    cpuMicrosPerSpanBest: best(micros),
    decodeCpuMicrosPerSpanMedian: medianOf(decodeMicros),
    decodeCpuMicrosPerSpanBest: best(decodeMicros),
  }),
);
