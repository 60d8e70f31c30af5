import { lookup } from "node:dns/promises";
import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isLoopback, loadConfig } from "../src/config.js";
import { newAccessKey } from "../src/model/index.js";
import { spawnExeclens } from "./helpers/child-execlens.js";

/*
 * Issue 19, 3: an API or OTLP receiver without keys on an address other machines reach is
 * refused, unless it is meant. The refusals happen before anything listens.
 */

const ports = { EXECLENS_OTLP_HTTP_PORT: "0", EXECLENS_OTLP_GRPC_PORT: "0", EXECLENS_API_PORT: "0" };
const dataDir = () => mkdtempSync(join(tmpdir(), "execlens-guard-"));
const apiKey = newAccessKey(["org-a"]);
const ingestKey = newAccessKey(["org-a"]);

/**
 * A host name the guard takes for a network address (it does not resolve names) that this
 * machine resolves to loopback only, so that the servers started here stay unreachable from
 * elsewhere: the machine's own name, or Debian's and Docker's ip6-localhost.
 */
async function loopbackByName(): Promise<string> {
  for (const name of [hostname(), "ip6-localhost", "ip6-loopback"]) {
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (addresses.length > 0 && addresses.every((a) => isLoopback(a.address))) return name;
  }
  throw new Error("no host name of this machine resolves to loopback only");
}

describe("the exposure guard", () => {
  it("refuses EXECLENS_HOST=0.0.0.0 without API keys, then without ingest keys, with exit 2 naming the setting", async () => {
    const noKeys = spawnExeclens([], { ...ports, EXECLENS_DATA_DIR: dataDir(), EXECLENS_HOST: "0.0.0.0" });
    expect(await noKeys.exited).toBe(2);
    expect(noKeys.output().stderr).toMatch(
      /^execlens: invalid configuration: EXECLENS_API_KEYS: none set while EXECLENS_HOST=0\.0\.0\.0 is not a loopback address.*EXECLENS_ALLOW_OPEN_API=true/,
    );
    const apiKeysOnly = spawnExeclens([], {
      ...ports,
      EXECLENS_DATA_DIR: dataDir(),
      EXECLENS_HOST: "0.0.0.0",
      EXECLENS_API_KEYS: apiKey.entry,
    });
    expect(await apiKeysOnly.exited).toBe(2);
    expect(apiKeysOnly.output().stderr).toMatch(
      /^execlens: invalid configuration: EXECLENS_INGEST_KEYS: none set .*EXECLENS_ALLOW_OPEN_INGEST=true/,
    );
  });

  it("lets keys, the allow settings (variable, bare flag, YAML) or a loopback host through", () => {
    const open = (env: NodeJS.ProcessEnv, argv: string[] = []) =>
      loadConfig({ EXECLENS_HOST: "0.0.0.0", ...env }, argv);
    expect(() =>
      open({ EXECLENS_API_KEYS: apiKey.entry, EXECLENS_INGEST_KEYS: ingestKey.entry }),
    ).not.toThrow();
    expect(() => open({ EXECLENS_ALLOW_OPEN_API: "true", EXECLENS_ALLOW_OPEN_INGEST: "true" })).not.toThrow();
    expect(() => open({}, ["--allow-open-api", "--allow-open-ingest"])).not.toThrow();
    const file = join(dataDir(), "execlens.yml");
    writeFileSync(file, "allowOpenApi: true\nallowOpenIngest: true\n");
    expect(() => open({ EXECLENS_CONFIG: file })).not.toThrow();
    expect(() => open({}, ["--allow-open-api", "--allow-open-ingest=false"])).toThrow(/EXECLENS_INGEST_KEYS/);
    for (const host of ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost"]) {
      expect(loadConfig({ EXECLENS_HOST: host }, []).host).toBe(host);
    }
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "execlens.internal"])
      expect(isLoopback(host)).toBe(false);
  });

  it("with the allow flags starts and says what is open, in the ready line, a warning and config print", async () => {
    const host = await loopbackByName();
    const app = spawnExeclens(["--allow-open-api", "--allow-open-ingest"], {
      ...ports,
      EXECLENS_DATA_DIR: dataDir(),
      EXECLENS_HOST: host,
    });
    try {
      expect(await app.ready()).toMatchObject({ access: { api: "open", ingest: "open", tls: "off" } });
      const { stdout } = app.output();
      expect(stdout).toContain("the query API is open (EXECLENS_ALLOW_OPEN_API)");
      expect(stdout).toContain("OTLP ingest is open (EXECLENS_ALLOW_OPEN_INGEST)");
    } finally {
      app.child.kill("SIGTERM");
      await app.exited;
    }
    const printed = spawnExeclens(["config", "print", "--allow-open-api"], {
      EXECLENS_HOST: "0.0.0.0",
      EXECLENS_INGEST_KEYS: ingestKey.entry,
    });
    expect(await printed.exited).toBe(0);
    expect(JSON.parse(printed.output().stdout)).toMatchObject({
      ingestKeys: [{ sha256: "***", organizations: ["org-a"] }],
      access: { api: "open", ingest: "keys", tls: "off" },
    });
  });
});
