/**
 * The import rules of DESIGN.md, checked over src/ (part of `npm run check`):
 * - `model` imports nothing of ours; `collector` and `mappers` only `model`;
 * - `store` never `collector`, `server`, `mappers` or `ingest`; `server` never `collector` or `mappers`;
 * - a folder is entered through its `index.ts` (or its `config.ts`, the component's settings);
 * - no cycle of runtime imports between files.
 * Prints each breach and exits 1 when there is one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/** For each folder, the folders of ours it may import (the root files may import anything). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  model: [],
  collector: ["model"],
  mappers: ["model"],
  store: ["model"],
  server: ["model", "store"],
  ingest: ["model", "collector", "mappers", "store"],
  upkeep: ["model", "store", "ingest"],
  alerts: ["model", "outbound"],
  forward: ["model", "outbound"],
  outbound: ["model"],
};
const PUBLIC_FILES = new Set(["index.ts", "config.ts"]);

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === "client" || name === "migrations" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function edgesOf(file: string): Edge[] {
  const text = readFileSync(file, "utf8");
  const edges: Edge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[3] ?? match[4];
    if (specifier === undefined || !specifier.startsWith(".")) continue;
    const target = resolve(dirname(file), specifier).replace(/\.js$/, "");
    const to = [".ts", ".tsx"]
      .map((ext) => target + ext)
      .find((path) => statSync(path, { throwIfNoEntry: false }));
    if (to !== undefined) edges.push({ from: file, to, typeOnly: match[2] !== undefined });
  }
  return edges;
}

const folderOf = (file: string) => {
  const parts = relative(SRC, file).split("/");
  return parts.length > 1 ? (parts[0] as string) : "";
};

const breaches: string[] = [];
const edges = sourceFiles(SRC).flatMap(edgesOf);
for (const { from, to } of edges) {
  const source = folderOf(from);
  const target = folderOf(to);
  if (source === target || target === "") {
    if (source !== "" && target === "") {
      breaches.push(`${relative(SRC, from)} imports the root module ${relative(SRC, to)}`);
    }
    continue;
  }
  if (source !== "") {
    const allowed = ALLOWED[source];
    if (allowed === undefined) breaches.push(`${source}/ has no import rule`);
    else if (!allowed.includes(target))
      breaches.push(`${relative(SRC, from)}: ${source}/ may not import ${target}/`);
  }
  const inside = relative(join(SRC, target), to);
  if (!PUBLIC_FILES.has(inside)) {
    breaches.push(`${relative(SRC, from)} reaches into ${target}/${inside} (use ${target}/index.ts)`);
  }
}

// cycles of runtime imports, file by file
const runtime = new Map<string, string[]>();
for (const edge of edges)
  if (!edge.typeOnly) runtime.set(edge.from, [...(runtime.get(edge.from) ?? []), edge.to]);
const state = new Map<string, "open" | "done">();
const stack: string[] = [];
function visit(file: string): void {
  state.set(file, "open");
  stack.push(file);
  for (const next of runtime.get(file) ?? []) {
    if (state.get(next) === "open") {
      const cycle = stack.slice(stack.indexOf(next)).map((f) => relative(SRC, f));
      breaches.push(`import cycle: ${[...cycle, relative(SRC, next)].join(" → ")}`);
    } else if (!state.has(next)) {
      visit(next);
    }
  }
  stack.pop();
  state.set(file, "done");
}
for (const file of runtime.keys()) if (!state.has(file)) visit(file);

if (breaches.length > 0) {
  for (const breach of breaches) process.stderr.write(`${breach}\n`);
  process.exit(1);
}
process.stdout.write(`import rules: ${edges.length} imports checked, none breaks a rule\n`);
