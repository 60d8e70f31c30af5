/**
 * `npm run bench:ingest-growth`: does ingest keep its speed as the tables grow? A copy of a
 * PostgreSQL database already holding 2M skill and 400k workflow executions (generated in SQL
 * once, `execlens_bench_growth_base`, reused between runs), a running execlens, and 20 rounds of
 * the ingest workload (3,000 new traces each, 4 senders: 27,000 rows, the tables grow by a fifth
 * over the run) sent one after another, after a round that warms the process up (its code
 * compiled, its connections open, the copied database's pages read: the first round of a fresh
 * process ran at half speed), shown but not counted. Rounds of 1,000 traces (about 3 s each) moved
 * by up to a fifth between neighbours on this machine. Prints each round's rows/s, the largest
 * deviation from the median, the last five rounds against the first five (issue 15's target: flat
 * within ±10 %) and the server's shared_buffers, which decides whether the rollup cells written
 * stay in memory (see bench/RESULTS.md). Fails when a round's rows are missing. SMOKE=1 runs a
 * small version. The copy is checkpointed before the first round.
 */
import pg from "pg";
import { spawnExeclens } from "../test/helpers/child-execlens.js";
import { benchDatabase, ensureVolume } from "./bench-database.js";
import { freshDatabase } from "./fresh-database.js";
import { median } from "./median.js";
import { sendBodies } from "./send.js";
import { ROWS_PER_TRACE, workloadBodies } from "./workload.js";

const smoke = process.env.SMOKE === "1";
const volume = smoke
  ? { skills: 20_000, workflows: 4_000, days: 30 }
  : { skills: 2_000_000, workflows: 400_000, days: 30 };
const ROUNDS = smoke ? 3 : Number(process.env.ROUNDS ?? 20);
const TRACES_PER_ROUND = smoke ? 40 : Number(process.env.TRACES ?? 3000);
const SENDERS = 4;

const base = smoke ? "execlens_bench_growth_smoke_base" : "execlens_bench_growth_base";
const seeded = await benchDatabase(base);
await seeded.handle.close();
await ensureVolume(seeded.url, volume, (line) => console.log(line));
const url = await freshDatabase(base.replace(/_base$/, ""), base);

const client = new pg.Client({ connectionString: url });
await client.connect();
// CREATE DATABASE … TEMPLATE logs every page of the copy: the copy is the bench's setup, so it is
// written back before the first round, and the checkpoints during the rounds are the rounds' own.
await client.query("CHECKPOINT");
const sharedBuffers: string = (await client.query("SHOW shared_buffers")).rows[0]?.shared_buffers;
const executionRows = async () =>
  Number(
    (
      await client.query(
        `SELECT (SELECT count(*) FROM "WorkflowExecutions") + (SELECT count(*) FROM "WorkflowStepExecutions") + (SELECT count(*) FROM "SkillExecutions") AS n`,
      )
    ).rows[0]?.n,
  );

// the generated workflows are old and unfinished: the timeout sweeper is not what is measured
const execlens = spawnExeclens(["--otlp-http-port=0", "--otlp-grpc-port=0", "--api-port=0"], {
  DATABASE_URL: url,
  EXECLENS_SWEEP_INTERVAL_MS: String(24 * 60 * 60 * 1000),
});
const { otlpHttp } = await execlens.ready(60_000);

const rounds: Array<{ round: number; "rows before": number; "rows/s": number }> = [];
let missing = false;
for (let round = 0; round <= ROUNDS; round++) {
  const bodies = await workloadBodies(TRACES_PER_ROUND, 1000 + round);
  const before = await executionRows();
  const { ms } = await sendBodies(otlpHttp, bodies, SENDERS);
  const written = (await executionRows()) - before;
  if (written !== TRACES_PER_ROUND * ROWS_PER_TRACE) missing = true;
  const measured = {
    round,
    "rows before": before,
    "rows/s": Math.round(((TRACES_PER_ROUND * ROWS_PER_TRACE) / ms) * 1000),
  };
  if (round === 0) console.log(JSON.stringify({ ...measured, round: "warm-up, not counted" }));
  else {
    rounds.push(measured);
    console.log(JSON.stringify(measured));
  }
}
execlens.child.kill("SIGTERM");
await execlens.exited;
await client.end();

const rates = rounds.map((r) => r["rows/s"]);
const m = median(rates);
const ends = Math.min(5, Math.floor(rates.length / 2));
const summary = {
  rounds: rates.length,
  tracesPerRound: TRACES_PER_ROUND,
  rowsAtStart: rounds[0]?.["rows before"],
  medianRowsPerSecond: m,
  "largest deviation from the median":
    Math.round((Math.max(...rates.map((r) => Math.abs(r - m))) / m) * 100) / 100,
  "last rounds / first rounds":
    Math.round((median(rates.slice(-ends)) / median(rates.slice(0, ends))) * 100) / 100,
  sharedBuffers,
};
console.table(rounds);
console.log(JSON.stringify(summary));
if (missing) throw new Error("a round's rows were not all stored");
