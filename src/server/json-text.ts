import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { Page } from "../store/index.js";

/**
 * A 200 answer whose JSON PostgreSQL built (store/read/json.ts): the text is sent as it is.
 * `Body` is the route's body type, which the text was built to match (the response tests
 * compare the two); the cast says so to the route's typed handler.
 */
export function jsonText<Body>(c: Context, text: string): TypedResponse<JSONParsed<Body>, 200, "json"> {
  return c.body(text, 200, { "content-type": "application/json" }) as unknown as TypedResponse<
    JSONParsed<Body>,
    200,
    "json"
  >;
}

/** A page of JSON texts as the API's page body, `{items, nextCursor}`. */
export function pageText(page: Page<string>): string {
  return `{"items":[${page.items.join(",")}],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
}
