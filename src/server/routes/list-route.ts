import { createRoute, type z } from "@hono/zod-openapi";
import type { Page, PageRequest, Scope } from "../../store/index.js";
import { checkOrganization } from "../auth.js";
import { pageText } from "../json-text.js";
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

/** The body of a list's page of `Item`s. */
export interface PageBody<Item extends z.ZodType> {
  readonly items: Array<z.infer<Item>>;
  readonly nextCursor: string | null;
}

interface ListQuery {
  readonly organization_id?: string | undefined;
  readonly sort: PageRequest["sort"];
  readonly order: PageRequest["order"];
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * One page of a list, answered: the organisation filter checked against the key, the rows as the
 * API shows them (JSON PostgreSQL built), as the page body's texts.
 */
export async function answerPage(
  scope: Scope,
  query: ListQuery,
  list: (page: PageRequest) => Promise<Page<string>>,
): Promise<string[]> {
  checkOrganization(scope, query.organization_id);
  return pageText(await paged(() => list(page(query))));
}
