import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";

/** A trace or span id kept as its bytes (half the size of hex text, in the row and the index). */
export const spanBytes = customType<{ data: string; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (hex) => Buffer.from(hex, "hex"),
  fromDriver: (bytes) => Buffer.from(bytes).toString("hex"),
});

/**
 * One narrow row per span of a trace's later batches, and per entry that changed (see
 * "TraceIndex" for its first batch): what a span arriving later under it needs to attach without
 * walking the trace — the chain above the span (its owner workflow or step, topmost AI span,
 * nearest skill and model request) or the ancestor that chain still waits for. A span's own role
 * and ids say what its children see. Written with `decode(…, 'hex')`, read with `encode`.
 */
export const spanIndex = pgTable(
  "SpanIndex",
  {
    traceId: spanBytes("trace_id").notNull(),
    spanId: spanBytes("span_id").notNull(),
    /** SpanRole as a small number (see span-index-rows.ts). */
    role: smallint("role").notNull(),
    execId: uuid("exec_id"),
    stepWkexId: uuid("step_wkex_id"),
    stepOrder: integer("step_order"),
    ownerWkexId: uuid("owner_wkex_id"),
    ownerWstpId: uuid("owner_wstp_id"),
    ownerStepOrder: integer("owner_step_order"),
    topAi: spanBytes("top_ai"),
    nearSkill: uuid("near_skill"),
    nearLlm: spanBytes("near_llm"),
    waitingFor: spanBytes("waiting_for"),
    settled: boolean("settled").notNull().default(false),
    /** The organisation an ingest key pinned the span to: only its own tenant's spans attach below it. */
    tenant: uuid("tenant"),
    /** For retention only: a day is precise enough and keeps the row narrow. */
    createdOn: date("created_on").notNull().default(sql`CURRENT_DATE`),
  },
  (t) => [
    primaryKey({ name: "spanindex_pkey", columns: [t.traceId, t.spanId] }),
    // the spans an arriving span completes: those whose chain waits for it
    index("idx_spanindex_waiting").on(t.traceId, t.waitingFor).where(sql`${t.waitingFor} IS NOT NULL`),
    index("idx_spanindex_created").using("brin", t.createdOn),
  ],
);

/**
 * The index entries of a trace's spans that arrived in its first batch, as one row of parallel
 * arrays (a trace usually arrives whole, in one batch): one row and one key per trace where
 * "SpanIndex" has one per span. Entries that change later, and spans of later batches, are
 * "SpanIndex" rows, which take precedence over the packed entry of the same span.
 */
export const traceIndex = pgTable(
  "TraceIndex",
  {
    traceId: spanBytes("trace_id").primaryKey(),
    spanIds: spanBytes("span_ids").array().notNull(),
    roles: smallint("roles").array().notNull(),
    execIds: uuid("exec_ids").array().notNull(),
    stepWkexIds: uuid("step_wkex_ids").array().notNull(),
    stepOrders: integer("step_orders").array().notNull(),
    ownerWkexIds: uuid("owner_wkex_ids").array().notNull(),
    ownerWstpIds: uuid("owner_wstp_ids").array().notNull(),
    ownerStepOrders: integer("owner_step_orders").array().notNull(),
    topAis: spanBytes("top_ais").array().notNull(),
    nearSkills: uuid("near_skills").array().notNull(),
    nearLlms: spanBytes("near_llms").array().notNull(),
    waitingFors: spanBytes("waiting_fors").array().notNull(),
    settled: boolean("settled").array().notNull(),
    tenants: uuid("tenants").array().notNull(),
    /** For retention only, as "SpanIndex".created_on. */
    createdOn: date("created_on").notNull().default(sql`CURRENT_DATE`),
  },
  (t) => [index("idx_traceindex_created").using("brin", t.createdOn)],
);

/**
 * Traces with chains still waiting for an ancestor, and when they last received a span: a trace
 * quiet for the settle delay has its open chains settled at their topmost known span. A settled
 * trace stays settled: its later spans are settled as they arrive.
 */
export const openTraces = pgTable(
  "OpenTraces",
  {
    traceId: spanBytes("trace_id").primaryKey(),
    lastSeenAt: createdAt("last_seen_at"),
    settled: boolean("settled").notNull().default(false),
  },
  (t) => [index("idx_opentraces_quiet").on(t.lastSeenAt).where(sql`NOT ${t.settled}`)],
);
