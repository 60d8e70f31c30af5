import { z } from "@hono/zod-openapi";
import { getTableColumns } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { createSchemaFactory } from "drizzle-zod";

const { createSelectSchema } = createSchemaFactory({ zodInstance: z });

export const timestamp = z.string().openapi({ format: "date-time", example: "2026-01-01T08:15:30.787716Z" });
export const jsonObject = z.record(z.string(), z.unknown());

type Row<T extends PgTable> = T["$inferSelect"];
type Renames<T extends PgTable> = Partial<Record<keyof Row<T>, string>>;

/** A row's properties as the API names them: renamed ones under their new name, omitted ones gone. */
export type Projected<T extends PgTable, R extends Renames<T>, O extends keyof Row<T>> = {
  [K in Exclude<keyof Row<T>, O> as K extends keyof R ? (R[K] extends string ? R[K] : K) : K]: Row<T>[K];
};

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
 * the row's JSON projection, so that the table, the body and the projection cannot drift apart.
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
  const renames = Object.entries(spec.rename ?? {}) as Array<[string, string]>;
  const shape: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(base.shape)) {
    if ((spec.omit as readonly string[] | undefined)?.includes(key)) continue;
    shape[renames.find(([from]) => from === key)?.[1] ?? key] = schema;
  }
  const schema = z.object(shape).openapi(spec.name);
  const renamed = new Map(renames);
  const omitted = new Set<string>(spec.omit as readonly string[] | undefined);
  return {
    schema,
    /** The row as the API shows it. */
    json(row: Row<T>): Projected<T, R, O> {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
        if (!omitted.has(key)) out[renamed.get(key) ?? key] = value;
      }
      return out as Projected<T, R, O>;
    },
  };
}
