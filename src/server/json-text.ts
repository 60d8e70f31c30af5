import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { Page } from "../store/index.js";

/**
 * A 200 answer whose JSON PostgreSQL built (store/read/json.ts): the text is sent as it is, or
 * the texts one after another. `Body` is the route's body type, which the text was built to
 * match (the response tests compare the two); the cast says so to the route's typed handler.
 */
export function jsonText<Body>(
  c: Context,
  text: string | readonly string[],
): TypedResponse<JSONParsed<Body>, 200, "json"> {
  const body = typeof text === "string" ? text : utf8Of(text);
  return c.body(body, 200, { "content-type": "application/json" }) as unknown as TypedResponse<
    JSONParsed<Body>,
    200,
    "json"
  >;
}

/**
 * The texts' UTF-8 bytes one after another. Joined into one string first, a page of a hundred
 * rows would be a string Node copies once more to count its bytes and again to encode them,
 * each copy into memory fresh from the system (a large object).
 */
function utf8Of(texts: readonly string[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const text of texts) length += Buffer.byteLength(text);
  const bytes = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const text of texts) at += bytes.write(text, at);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}

/** A page of JSON texts as the parts of the API's page body, `{items, nextCursor}`. */
export function pageText(page: Page<string>): string[] {
  return ['{"items":[', ...commaSeparated(page.items), `],"nextCursor":${JSON.stringify(page.nextCursor)}}`];
}

/** The texts with a comma between each two, as parts (see utf8Of). */
export function commaSeparated(texts: readonly string[]): string[] {
  return texts.flatMap((text, i) => (i === 0 ? [text] : [",", text]));
}
