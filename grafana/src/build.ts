/**
 * `npm run grafana:build` writes grafana/dashboards/*.json from the definitions in
 * dashboards.ts (test/grafana-dashboards.test.ts fails when the committed files are stale).
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DASHBOARDS, toDashboardJson } from "./dashboards.js";

export function renderedDashboards(): Array<{ file: string; json: string }> {
  return DASHBOARDS.map((d) => ({
    file: `${d.uid}.json`,
    json: `${JSON.stringify(toDashboardJson(d), null, 2)}\n`,
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = new URL("../dashboards/", import.meta.url);
  for (const { file, json } of renderedDashboards()) {
    await writeFile(new URL(file, dir), json);
    console.log(`wrote grafana/dashboards/${file}`);
  }
}
