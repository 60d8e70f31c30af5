import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import { gzipSync } from "node:zlib";

/** A file of the browser client, held in memory: it is small and never changes while execlens runs. */
export interface Asset {
  readonly name: string;
  readonly type: string;
  readonly body: Uint8Array<ArrayBuffer>;
  /** The same bytes gzipped, sent to browsers that accept it (the explorer may be opened over a network). */
  readonly gzip: Uint8Array<ArrayBuffer>;
  /** A strong ETag of the content, so a reload revalidates with a 304 instead of a download. */
  readonly etag: string;
  /** For a module: the modules it imports, directly or not (`modulepreload` links, no import waterfall). */
  readonly imports: readonly string[];
}

const TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The client's own imports: `from "./name.js"` (the client imports nothing else). */
const IMPORT = /\bfrom\s+"\.\/([a-z0-9-]+\.js)"/g;

const CLIENT_DIR = new URL("./client/", import.meta.url);

/**
 * Reads the client folder once: every served file by name. Only the types above are served
 * (the folder's tsconfig.json, for instance, is not).
 */
export function loadAssets(directory: URL = CLIENT_DIR): ReadonlyMap<string, Asset> {
  const files = readdirSync(directory).filter((name) => TYPES[extname(name)] !== undefined);
  const sources = new Map(files.map((name) => [name, readFileSync(new URL(name, directory))]));
  const direct = (name: string) =>
    extname(name) === ".js"
      ? [...(sources.get(name)?.toString("utf8") ?? "").matchAll(IMPORT)].map((m) => m[1] as string)
      : [];
  const closure = (name: string): string[] => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      for (const dep of direct(file)) {
        if (seen.has(dep)) continue;
        if (!sources.has(dep))
          throw new Error(`explorer client: ${file} imports ${dep}, which does not exist`);
        seen.add(dep);
        visit(dep);
      }
    };
    visit(name);
    return [...seen].sort();
  };
  return new Map(
    [...sources].map(([name, body]) => [
      name,
      {
        name,
        type: TYPES[extname(name)] as string,
        body: new Uint8Array(body),
        gzip: new Uint8Array(gzipSync(body, { level: 9 })),
        etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
        imports: closure(name),
      },
    ]),
  );
}
