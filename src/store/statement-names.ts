import { createHash } from "node:crypto";

/**
 * Named (prepared) statements kept on one connection at most: the writer's few dozen statements
 * fit many times over, while the read API's ever-new filter combinations cannot fill the server's
 * memory (a connection past the limit runs further statements unnamed, as before).
 */
export const PREPARED_PER_CONNECTION = 128;

/** The name a statement is prepared under: a hash of its text. */
export function statementName(text: string): string {
  return `execlens_${createHash("sha1").update(text).digest("base64url")}`;
}
