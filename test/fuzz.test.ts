import * as grpc from "@grpc/grpc-js";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { grpcExport } from "./helpers/grpc-export.js";
import { type Row, snapshot } from "./helpers/rows.js";
import { otlpExporter, recordSpans } from "./helpers/sdk.js";

/*
 * Random and mutated OTLP payloads, protobuf and JSON, to both receivers. execlens must answer
 * every one by the specification (never a 5xx / UNAVAILABLE, which would mean an input broke
 * the store), keep running, and leave the rows stored before the run as they were.
 */

// 5,000 each take about 90 s on two loaded cores here (10,000 neared the 300 s timeout); FUZZ_PAYLOADS for more
const PAYLOADS_PER_ENCODING = Number(process.env.FUZZ_PAYLOADS ?? 5_000);

const seedSpans = await recordSpans((t) => {
  const workflow = t.start("workflow", {
    "workflow.name": "fuzz-seed",
    "workflow.execution.id": "fuzz-1",
    "workflow.total_steps": 2,
    "workflow.config": '{"timeout": 1000}',
    "user.id": "u-1",
  });
  const step = t.start("step", { "workflow.step.id": "s1", "workflow.step.order": 1 }, workflow);
  const skill = t.start(
    "skill",
    { "skill.name": "k", "skill.input": '{"q":[1,2,{"a":null}]}', n: 3, f: 1.5, b: true },
    step,
  );
  skill.addEvent("exception", { "exception.message": "x" });
  skill.end();
  step.end();
  const other = t.start("skill other", { "skill.id": "s-2", "skill.step_number": "2" }, workflow);
  t.fail(other, "timed out");
  other.end();
  workflow.end();
});
const protobufSeed = ProtobufTraceSerializer.serializeRequest(seedSpans) as Uint8Array;
const jsonSeed = JSON.parse(
  new TextDecoder().decode(JsonTraceSerializer.serializeRequest(seedSpans) as Uint8Array),
);

type Op =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; length: number }
  | { kind: "set"; at: number; value: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0xff, 0x7f, 0x80, 0x0a, 0x12, 0x1a, 0x22, 0x2a, 0x39, 0x41),
  }),
);

function mutate(base: Uint8Array, ops: readonly Op[]): Uint8Array {
  let bytes = Uint8Array.from(base);
  for (const o of ops) {
    const at = bytes.length === 0 ? 0 : o.at % bytes.length;
    switch (o.kind) {
      case "flip":
        if (bytes.length > 0) bytes[at] = (bytes[at] as number) ^ (1 << o.bit);
        break;
      case "truncate":
        bytes = bytes.subarray(0, at);
        break;
      case "insert":
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...o.bytes, ...bytes.subarray(at)]);
        break;
      case "delete":
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + o.length)]);
        break;
      case "set":
        if (bytes.length > 0) bytes[at] = o.value;
        break;
    }
  }
  return bytes;
}

const protobufPayload: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(op, { minLength: 1, maxLength: 6 }).map((ops) => mutate(protobufSeed, ops)),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
);

const nasty = fc.constantFrom<unknown>(
  "\u0000",
  "\ud800",
  "x".repeat(70_000),
  "18446744073709551616",
  "-1",
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER,
  "STATUS_CODE_ERROR",
  "SPAN_KIND_NOPE",
  "00000000000000000000000000000000",
  "zz",
  [],
  {},
  null,
  { kvlistValue: { values: [{ key: "__proto__", value: { stringValue: "x" } }] } },
  { arrayValue: { values: [{ arrayValue: { values: [{ arrayValue: { values: [] } }] } }] } },
  { intValue: "99999999999999999999" },
  { bytesValue: "!!!" },
  { stringValue: '{"a":'.repeat(200) },
);

type Json = unknown;

function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...prefix, i], out);
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

function replaceAt(value: Json, path: readonly (string | number)[], replacement: Json | typeof REMOVE): Json {
  if (path.length === 0) return replacement === REMOVE ? null : replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = replaceAt(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  if (rest.length === 0 && replacement === REMOVE) delete copy[head];
  else copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}
const REMOVE = Symbol("remove");

const jsonEdit = fc.record({
  at: fc.nat(),
  with: fc.oneof(
    { weight: 3, arbitrary: nasty },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constant(REMOVE) },
  ),
});

const jsonPayload: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(jsonEdit, { minLength: 1, maxLength: 4 }).map((edits) => {
      let value: Json = jsonSeed;
      for (const edit of edits) {
        const all = paths(value);
        value = replaceAt(value, all[edit.at % all.length] ?? [], edit.with);
      }
      return new TextEncoder().encode(JSON.stringify(value));
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(op, { minLength: 1, maxLength: 4 })
      .map((ops) => mutate(new TextEncoder().encode(JSON.stringify(jsonSeed)), ops)),
  },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))) },
);

describe("fuzz: random and mutated OTLP payloads", () => {
  let execlens: TestExeclens;
  let client: grpc.Client;
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    execlens = await startTestExeclens(pglite, { maxRequestBytes: 1024 * 1024 });
    const kept = await recordSpans((t) => {
      const w = t.start("kept workflow", { "workflow.name": "kept", "workflow.execution.id": "kept-1" });
      t.start("kept skill", { "skill.name": "kept-skill" }, w).end();
      w.end();
    });
    await exportWith(otlpExporter("json", execlens.tracesUrl), kept);
    before = await snapshot(execlens.database.db);
    client = new grpc.Client(execlens.otlpGrpcAddress as string, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await execlens?.stop();
  });

  const keptRows = async () => {
    const now = await snapshot(execlens.database.db);
    const kept = (table: "workflows" | "steps" | "skills" | "llmCalls", key: (r: Row) => unknown) => {
      const ids = (before[table] ?? []).map(key);
      return (now[table] ?? []).filter((r) => ids.includes(key(r)));
    };
    return {
      workflows: kept("workflows", (r) => r.wkex_id),
      steps: kept("steps", (r) => r.wstp_id),
      skills: kept("skills", (r) => r.exec_id),
      llmCalls: kept("llmCalls", (r) => `${r.trace_id}:${r.span_id}`),
    };
  };

  it(`answers ${PAYLOADS_PER_ENCODING} protobuf and ${PAYLOADS_PER_ENCODING} JSON payloads by the spec, on both receivers`, async () => {
    const http = new Map<number, number>();
    const grpcCodes = new Map<number, number>();
    const bump = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
    const encodings = [
      {
        type: "application/x-protobuf",
        payloads: fc.sample(protobufPayload, { numRuns: PAYLOADS_PER_ENCODING, seed: 4318 }),
      },
      {
        type: "application/json",
        payloads: fc.sample(jsonPayload, { numRuns: PAYLOADS_PER_ENCODING, seed: 4317 }),
      },
    ];
    for (const { type, payloads } of encodings) {
      for (const body of payloads) {
        const response = await fetch(execlens.tracesUrl, {
          method: "POST",
          body,
          headers: { "content-type": type },
        });
        await response.arrayBuffer();
        bump(http, response.status);
        // gRPC carries protobuf only: JSON payloads reach its decoder as arbitrary bytes.
        bump(grpcCodes, (await grpcExport(client, body)).code);
      }
    }
    console.log(`fuzz answers: HTTP ${JSON.stringify([...http])}, gRPC ${JSON.stringify([...grpcCodes])}`);
    for (const status of http.keys()) expect([200, 400, 413]).toContain(status);
    for (const code of grpcCodes.keys()) {
      expect([grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.RESOURCE_EXHAUSTED]).toContain(code);
    }
    expect(http.get(200)).toBeGreaterThan(0);
    expect(http.get(400)).toBeGreaterThan(0);
    expect((await fetch(`${execlens.apiUrl}/healthz`)).status).toBe(200);
    expect(await keptRows()).toEqual(before);
  }, 300_000);
});
