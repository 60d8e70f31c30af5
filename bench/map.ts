/**
 * `npm run bench:map`: the CPU time of mapping alone (spans in, row changes out), per span, on
 * the ingest workload decoded once: the part of ingest that runs in the execlens process and
 * grows with every span. Prints the median and the best of ROUNDS rounds (WORKLOAD=conventions
 * for the conventions-only workload).
 */
import { decodeProtobufRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { type Workload, workloadBodies } from "./workload.js";

const TRACES = Number(process.env.TRACES ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const workload: Workload = process.env.WORKLOAD === "conventions" ? "conventions" : "ai";

const requests = (await workloadBodies(TRACES, 7, workload)).map((body) => decodeProtobufRequest(body).spans);
const spans = requests.reduce((n, request) => n + request.length, 0);
// a first round warms the code up
for (const request of requests) mapSpans(request);
const micros: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const before = process.cpuUsage();
  for (const request of requests) mapSpans(request);
  const used = process.cpuUsage(before);
  micros.push((used.user + used.system) / spans);
}
micros.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    workload,
    spans,
    rounds: ROUNDS,
    cpuMicrosPerSpanMedian: Number((micros[Math.floor(ROUNDS / 2)] as number).toFixed(1)),
    cpuMicrosPerSpanBest: Number((micros[0] as number).toFixed(1)),
  }),
);
