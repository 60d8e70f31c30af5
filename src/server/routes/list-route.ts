import { createRoute, type z } from "@hono/zod-openapi";
import type { Page, PageRequest, Scope } from "../../store/index.js";
import { checkOrganization } from "../auth.js";
import { ErrorBody, pageOf } from "../schemas.js";
import { page, paged } from "./paging.js";

/** What every API route may answer besides its own success. */
export const errorResponses = {
  400: { description: "invalid parameters", content: { "application/json": { schema: ErrorBody } } },
  401: { description: "missing or unknown API key", content: { "application/json": { schema: ErrorBody } } },
  403: {
    description: "organisation outside the key's scope",
    content: { "application/json": { schema: ErrorBody } },
  },
} as const;

export const notFoundResponse = {
  404: { description: "not found", content: { "application/json": { schema: ErrorBody } } },
} as const;

/** A keyset-paged list of one kind of row: its query parameters and its page body. */
export function listRoute<Q extends z.ZodObject, I extends z.ZodType>(spec: {
  readonly path: string;
  readonly summary: string;
  readonly query: Q;
  readonly item: I;
  readonly page: string;
}) {
  return createRoute({
    method: "get",
    path: spec.path,
    tags: ["executions"],
    summary: spec.summary,
    request: { query: spec.query },
    responses: {
      200: {
        description: "a page",
        content: { "application/json": { schema: pageOf(spec.item, spec.page) } },
      },
      ...errorResponses,
    },
  });
}

interface ListQuery {
  readonly organization_id?: string | undefined;
  readonly sort: PageRequest["sort"];
  readonly order: PageRequest["order"];
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** One page of a list, answered: the organisation filter checked against the key, rows as the API shows them. */
export async function answerPage<Row, Item>(
  scope: Scope,
  query: ListQuery,
  list: (page: PageRequest) => Promise<Page<Row>>,
  json: (row: Row) => Item,
): Promise<{ items: Item[]; nextCursor: string | null }> {
  checkOrganization(scope, query.organization_id);
  const result = await paged(() => list(page(query)));
  return { items: result.items.map(json), nextCursor: result.nextCursor };
}
