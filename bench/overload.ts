/**
 * `npm run bench:overload`: offers execlens (on the PostgreSQL server) 3× the request rate
 * `bench:ingest` measured (RATE=requests/s overrides) for 60 s, open loop: requests keep coming
 * whatever the answers. Reports peak RSS, the share of 429/503 answers, and checks that every
 * acknowledged span is stored, once. SMOKE=1 runs 5 s.
 */
import { readFile } from "node:fs/promises";
import pg from "pg";
import { decodeProtobufRequest } from "../src/collector/index.js";
import { mapSpans } from "../src/mappers/index.js";
import { spawnExeclens } from "../test/helpers/child-execlens.js";
import { freshDatabase } from "./fresh-database.js";
import { workloadBodies } from "./workload.js";

const smoke = process.env.SMOKE === "1";
const SECONDS = smoke ? 5 : 60;
const measured = await readFile(new URL("./.last-ingest.json", import.meta.url), "utf8")
  .then((text) => JSON.parse(text) as { requestsPerSecond: number })
  .catch(() => undefined);
const baseRate = Number(process.env.RATE ?? measured?.requestsPerSecond ?? 20);
const rate = Math.max(1, Math.round(baseRate * 3));
const RSS_TARGET = 350 * 1024 * 1024;

const pool = await workloadBodies(smoke ? 200 : 2000, 99);
const expectedSkills = pool.map((body) =>
  mapSpans(decodeProtobufRequest(body).spans).skills.map((s) => s.execId),
);

const url = await freshDatabase("execlens_bench_overload");
const execlens = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
  DATABASE_URL: url,
  ...(process.env.NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: process.env.NODE_OPTIONS }),
});
const { otlpHttp } = await execlens.ready(60_000);
console.log(`idle RSS ${Math.round(execlens.rss() / 1024 / 1024)} MB`);

const statuses: Record<string, number> = {};
const acknowledged = new Set<number>();
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, execlens.rss());
}, 100);
const inflight: Promise<void>[] = [];
const began = performance.now();
let sent = 0;
while (performance.now() - began < SECONDS * 1000) {
  const due = Math.floor(((performance.now() - began) / 1000) * rate);
  while (sent < due) {
    const index = sent % pool.length;
    sent++;
    inflight.push(
      fetch(otlpHttp, {
        method: "POST",
        body: pool[index],
        headers: { "content-type": "application/x-protobuf" },
      })
        .then(async (response) => {
          await response.arrayBuffer();
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          if (response.status === 200) acknowledged.add(index);
        })
        .catch(() => {
          statuses.error = (statuses.error ?? 0) + 1;
        }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
await Promise.all(inflight);
clearInterval(sampler);
execlens.child.kill("SIGTERM");
await execlens.exited;

const client = new pg.Client({ connectionString: url });
await client.connect();
const ids = [...acknowledged].flatMap((i) => expectedSkills[i] ?? []);
const { rows } = await client.query<{ found: number }>(
  'SELECT count(*)::int AS found FROM "SkillExecutions" WHERE exec_id = ANY($1::uuid[])',
  [[...new Set(ids)]],
);
const { rows: total } = await client.query<{ n: number; distinct: number }>(
  'SELECT count(*)::int AS n, count(DISTINCT exec_id)::int AS distinct FROM "SkillExecutions"',
);
await client.end();

const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
const refused = (statuses["429"] ?? 0) + (statuses["503"] ?? 0);
const summary = {
  seconds: SECONDS,
  offeredRequestsPerSecond: rate,
  baseRequestsPerSecond: baseRate,
  sent,
  answers: statuses,
  refusedShare: Math.round((refused / Math.max(1, answered)) * 1000) / 1000,
  peakRssMb: Math.round(peak / 1024 / 1024),
  rssTargetMb: RSS_TARGET / 1024 / 1024,
  acknowledgedSkills: new Set(ids).size,
  storedOfAcknowledged: rows[0]?.found,
  storedOnce: total[0]?.n === total[0]?.distinct,
};
console.table({
  overload: {
    "offered req/s": rate,
    sent,
    "429/503 share": summary.refusedShare,
    "peak RSS MB": summary.peakRssMb,
  },
});
console.log(JSON.stringify(summary));
if (summary.storedOfAcknowledged !== summary.acknowledgedSkills || !summary.storedOnce) {
  console.error("acknowledged spans are missing or stored twice");
  process.exit(1);
}
if (!smoke && peak > RSS_TARGET)
  console.error(`peak RSS ${summary.peakRssMb} MB is over the ${summary.rssTargetMb} MB target`);
