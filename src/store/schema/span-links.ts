import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, uuid, varchar } from "drizzle-orm/pg-core";
import type { SpanRole } from "../../model/index.js";
import { createdAt } from "./columns.js";

/**
 * Every received span's edge in its trace. Children usually arrive before their parents (OTLP
 * exports ended spans), so a skill is attached to its nearest ancestor workflow by walking these
 * edges once the chain is complete, whatever batch each span came in.
 */
export const spanLinks = pgTable(
  "SpanLinks",
  {
    traceId: varchar("trace_id", { length: 32 }).notNull(),
    spanId: varchar("span_id", { length: 16 }).notNull(),
    parentSpanId: varchar("parent_span_id", { length: 16 }),
    role: varchar("role", { length: 10 }).$type<SpanRole>().notNull(),
    /** The execution this span is; for a db or http span, the nearest skill above it. */
    /** The execution this span is; for a db or http span, the nearest skill above it. */
    execId: uuid("exec_id"),
    wkexId: uuid("wkex_id"),
    /** For skills, AI calls, model requests and db/http spans: true once the walk up the trace reached a workflow, a step or the root. */
    resolved: boolean("resolved").notNull().default(false),
    createdAt: createdAt("created_at"),
  },
  (t) => [
    primaryKey({ name: "spanlinks_pkey", columns: [t.traceId, t.spanId] }),
    // retention deletes the oldest links in batches
    index("idx_spanlinks_created").on(t.createdAt),
    // db queries and api calls are counted from resolved client spans, per workflow and per skill
    index("idx_spanlinks_performance").on(t.wkexId, t.role).where(sql`${t.role} IN ('db', 'http')`),
    index("idx_spanlinks_skill_performance").on(t.execId, t.role).where(sql`${t.role} IN ('db', 'http')`),
  ],
);
