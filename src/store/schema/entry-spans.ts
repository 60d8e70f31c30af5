import { index, pgTable, primaryKey, text, varchar } from "drizzle-orm/pg-core";
import { createdAt, timestamptz } from "./columns.js";

/**
 * The SERVER and CONSUMER spans of the traces: where a request or a job entered the app. The
 * workflow and skill executions each encloses take its client address, user agent and name
 * (as metadata.source) from it, whichever arrives first.
 */
export const entrySpans = pgTable(
  "EntrySpans",
  {
    traceId: varchar("trace_id", { length: 32 }).notNull(),
    spanId: varchar("span_id", { length: 16 }).notNull(),
    name: text("name").notNull(),
    startedAt: timestamptz("started_at").notNull(),
    completedAt: timestamptz("completed_at").notNull(),
    clientAddress: text("client_address"),
    userAgent: text("user_agent"),
    createdAt: createdAt("created_at"),
  },
  (t) => [
    primaryKey({ name: "entryspans_pkey", columns: [t.traceId, t.spanId] }),
    index("idx_entryspans_created").on(t.createdAt),
  ],
);
