// The files the compiled code reads beside itself: the SQL migrations and their journal (not
// drizzle-kit's snapshots, which only schema generation needs), and the explorer's browser client.
import { cpSync, mkdirSync, readdirSync } from "node:fs";

const copy = (from, to, keep) => {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) if (keep(name)) cpSync(`${from}/${name}`, `${to}/${name}`);
};
copy("src/store/migrations", "dist/store/migrations", (name) => name.endsWith(".sql"));
copy("src/store/migrations/meta", "dist/store/migrations/meta", (name) => name === "_journal.json");
copy("src/server/explorer/client", "dist/server/explorer/client", (name) => /\.(js|css|svg)$/.test(name));
