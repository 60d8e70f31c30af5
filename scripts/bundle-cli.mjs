// The `execlens` command as one bundle (dist/cli.js and its lazily loaded chunks, beside the
// compiled modules): Node then reads and links a handful of files at start instead of ~400
// (start-up on PostgreSQL ~0.6 → ~0.3 s, bench:footprint). The compiled modules stay for the
// package's library export (dist/app.js).
//
// Kept out of the bundle, loaded from node_modules by the path that uses them: the database
// drivers and gRPC (so that test/footprint.test.ts still sees which of them a start loads),
// PGlite (it finds its WASM and data files beside its own modules) and the OpenTelemetry SDK of
// self-telemetry.
import { readFile } from "node:fs/promises";
import { extname, relative, resolve } from "node:path";
import { build } from "esbuild";

const EXTERNAL = ["@electric-sql/pglite", "pg", "@grpc/grpc-js", "@opentelemetry/sdk-node"];

/** execlens' own sources, the .ts and .tsx files under src/, by absolute path. */
const SOURCES = new RegExp(`^${resolve("src").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[/\\\\].*\\.tsx?$`);

/**
 * `import.meta.url` as it is in the compiled module: every output file sits in dist/, so a
 * module of src/store/ gets the URL of dist/store/ and finds its migrations where the build
 * copies them.
 */
const compiledModuleUrl = {
  name: "compiled-module-url",
  setup(esbuild) {
    esbuild.onLoad({ filter: SOURCES }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      const compiled = relative("src", path)
        .split("\\")
        .join("/")
        .replace(/\.tsx?$/, ".js");
      const url = `new URL(${JSON.stringify(`./${compiled}`)}, import.meta.url).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: extname(path).slice(1) };
    });
  },
};

await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "cli-[hash]",
  external: EXTERNAL,
  sourcemap: true,
  sourcesContent: false,
  allowOverwrite: true,
  logLevel: "warning",
  // the bundled CommonJS packages call require()
  banner: {
    js: 'import { createRequire as __execlensRequire } from "node:module"; const require = __execlensRequire(import.meta.url);',
  },
  plugins: [compiledModuleUrl],
});
