import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const dir = fileURLToPath(new URL("../grafana/prometheus", import.meta.url));
const promtool = await run("promtool", ["--version"]).then(
  () => true,
  () => false,
);
if (!promtool && process.env.CI !== "true")
  console.warn("promtool not installed: Prometheus rule tests skipped");

describe.runIf(promtool || process.env.CI === "true")("Prometheus alert rules", () => {
  it("pass promtool check rules", async () => {
    const { stdout } = await run("promtool", ["check", "rules", "execlens-rules.yml"], { cwd: dir });
    expect(stdout).toContain("SUCCESS: 5 rules found");
  });

  it("pass their promtool unit tests", async () => {
    const { stdout, stderr } = await run("promtool", ["test", "rules", "execlens-rules.test.yml"], {
      cwd: dir,
    });
    expect(`${stdout}${stderr}`).toContain("SUCCESS");
  });
});
