import {
  type JsonObject,
  type JsonValue,
  microsBetween,
  type SkillAttributes,
  type Timestamp,
} from "../model/index.js";
import { type BatchChildren, comparableTime, groupBy, roundedAsNumeric } from "./batch-derivation.js";

/** A skill row as the writer writes it: what its derived metadata is computed from. */
interface SkillParts {
  readonly execId: string;
  readonly startedAt: Timestamp;
  readonly completedAt: Timestamp;
  readonly attributes: SkillAttributes;
}

/** The batch's call rows, with the skill each was attached to (its nearest). */
interface CallRows {
  readonly llmCalls: ReadonlyArray<BatchChildren["llmCalls"][number] & { readonly execId: string | null }>;
  readonly clientCalls: ReadonlyArray<
    BatchChildren["clientCalls"][number] & { readonly execId: string | null }
  >;
}

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Microseconds from `from` to `to`, or null when either is missing or not in the usual form. */
function micros(from: Timestamp | null, to: Timestamp | null): number | null | undefined {
  if (from === null || to === null) return null;
  if (!comparableTime(from) || !comparableTime(to)) return undefined;
  return microsBetween(from, to);
}

/** What `derivedSkillMetadata` adds from db and HTTP calls: undefined when PostgreSQL must derive it. */
function performanceOf(
  skill: SkillParts,
  calls: CallRows["clientCalls"],
  own: JsonValue | undefined,
): JsonObject | null | undefined {
  let [db, http, dbMicros, httpMicros] = [0, 0, 0, 0];
  for (const call of calls) {
    if (call.kind !== "db" && call.kind !== "http") continue;
    const time = micros(call.startedAt, call.completedAt);
    if (time === undefined) return undefined;
    const spent = time ?? (call.durationMs === null ? 0 : call.durationMs * 1000);
    if (call.kind === "db") {
      db++;
      dbMicros += spent;
    } else {
      http++;
      httpMicros += spent;
    }
  }
  if (db + http === 0) return null;
  if (own !== undefined && !isObject(own)) return undefined;
  const skillMicros = micros(skill.startedAt, skill.completedAt);
  if (skillMicros === undefined) return undefined;
  return {
    ...own,
    dbQueries: db,
    apiCalls: http,
    dbQueryTime: dbMicros / 1000,
    apiCallTime: httpMicros / 1000,
    // greatest(0, NULL − …) is 0
    transformTime: skillMicros === null ? 0 : Math.max(0, skillMicros - dbMicros - httpMicros) / 1000,
  };
}

/** What `derivedSkillMetadata` adds from leaf model requests. */
function costOf(calls: CallRows["llmCalls"]): JsonObject | null {
  let [count, tokens] = [0, 0];
  let cost: number | null = null;
  for (const call of calls) {
    if (!call.leaf) continue;
    count++;
    tokens += call.totalTokens;
    // summed in the order PostgreSQL reads them (the rows' order of insertion): the same float sum
    if (call.costUsd !== null) cost = cost === null ? call.costUsd : cost + call.costUsd;
  }
  if (count === 0) return null;
  return {
    tokensUsed: tokens,
    estimatedCost: cost === null ? null : roundedAsNumeric(cost, 8),
    currency: "USD",
    llmCalls: count,
  };
}

const byExecution = (row: { readonly execId: string | null }) => row.execId;

/**
 * The attributes of `skills` (rows of traces nothing of which is stored yet: every call below them
 * is in the batch) with the metadata derivedSkillMetadata (recompute-skills.ts) would give them,
 * computed from the batch's call rows, by exec_id: the skill upsert then writes them as they are,
 * where PostgreSQL would look the calls up and rebuild the metadata and the document. A skill
 * whose metadata or times PostgreSQL would treat otherwise (a metadata.performance that is not an
 * object, times out of the usual range) is left out: the database derives it. The numbers are
 * PostgreSQL's (exact milliseconds, the cost's float sum rounded as numeric), written without its
 * trailing zeros.
 */
export function deriveSkillsInBatch(
  skills: readonly SkillParts[],
  calls: CallRows,
): Map<string, SkillAttributes> {
  const derived = new Map<string, SkillAttributes>();
  if (skills.length === 0) return derived;
  const ids = new Set(skills.map((s) => s.execId));
  const clientCalls = groupBy(calls.clientCalls, byExecution, ids);
  const llmCalls = groupBy(calls.llmCalls, byExecution, ids);
  for (const skill of skills) {
    const own = skill.attributes.metadata;
    const performance = performanceOf(skill, clientCalls.get(skill.execId) ?? [], own.performance);
    if (performance === undefined) continue;
    const cost = costOf(llmCalls.get(skill.execId) ?? []);
    const metadata: JsonObject = { ...own };
    if (performance !== null) metadata.performance = performance;
    if (cost !== null) metadata.cost = cost;
    derived.set(skill.execId, { ...skill.attributes, metadata });
  }
  return derived;
}
