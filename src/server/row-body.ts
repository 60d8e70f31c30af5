import { z } from "@hono/zod-openapi";
import { getTableColumns } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { createSchemaFactory } from "drizzle-zod";
import type { JsonEntry } from "../store/index.js";

const { createSelectSchema } = createSchemaFactory({ zodInstance: z });

export const timestamp = z.string().openapi({ format: "date-time", example: "2026-01-01T08:15:30.787716Z" });
export const jsonObject = z.record(z.string(), z.unknown());

type Row<T extends PgTable> = T["$inferSelect"];
type Renames<T extends PgTable> = Partial<Record<keyof Row<T>, string>>;

export interface RowBodySpec<T extends PgTable, R extends Renames<T>, O extends keyof Row<T>> {
  /** The component's name in the OpenAPI document. */
  readonly name: string;
  /** Properties the API names otherwise (`wkexId` is `workflowExecutionId`). */
  readonly rename?: R;
  /** Properties the API does not show. */
  readonly omit?: readonly O[];
  /** Schemas more precise than the column says (a status enum, a JSON object). */
  readonly refine?: Partial<Record<keyof Row<T>, z.ZodType>>;
}

/**
 * An API body made from a table's definition: every column becomes a property of the schema
 * (its type and nullability from the column; timestamps as the API's Timestamp strings) and of
 * the row's JSON projection, which PostgreSQL builds (see store/read/json.ts), so that the table,
 * the body and the projection cannot drift apart.
 */
export function rowBody<
  T extends PgTable,
  R extends Renames<T> = Record<never, string>,
  O extends keyof Row<T> = never,
>(table: T, spec: RowBodySpec<T, R, O>) {
  const columns = getTableColumns(table);
  const refine: Record<string, z.ZodType> = {};
  for (const [key, column] of Object.entries(columns)) {
    if (column.getSQLType() === "timestamp with time zone") {
      refine[key] = column.notNull ? timestamp : timestamp.nullable();
    }
  }
  for (const [key, schema] of Object.entries(spec.refine ?? {})) {
    const column = columns[key];
    refine[key] =
      column !== undefined && !column.notNull ? (schema as z.ZodType).nullable() : (schema as z.ZodType);
  }
  const base = createSelectSchema(table, refine as never) as unknown as z.ZodObject<
    Record<string, z.ZodType>
  >;
  const renames = new Map(Object.entries(spec.rename ?? {}) as Array<[string, string]>);
  const omitted = new Set<string>(spec.omit as readonly string[] | undefined);
  const shape: Record<string, z.ZodType> = {};
  const entries: JsonEntry[] = [];
  for (const [key, schema] of Object.entries(base.shape)) {
    if (omitted.has(key)) continue;
    const name = renames.get(key) ?? key;
    shape[name] = schema;
    entries.push([name, columns[key] as PgColumn]);
  }
  return {
    schema: z.object(shape).openapi(spec.name),
    /** The row's properties as the API shows them, in the schema's order: for jsonBuildObject. */
    entries: entries as readonly JsonEntry[],
  };
}
