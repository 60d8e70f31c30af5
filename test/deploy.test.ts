import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../src/config.js";
import { newAccessKey } from "../src/model/index.js";

/*
 * The shipped Kubernetes manifest, read as Kubernetes would: execlens' environment (secrets
 * filled with valid values) passes the real configuration loader, and the kubelet's probes reach
 * a server that listens where they knock.
 */

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}
interface Container {
  name: string;
  env?: EnvVar[];
  ports?: Array<{ name: string; containerPort: number }>;
  readinessProbe?: { httpGet?: { path: string; port: number } };
  livenessProbe?: { httpGet?: { path: string; port: number } };
}

const manifest = parse(
  readFileSync(new URL("../deploy/kubernetes-sidecar.yaml", import.meta.url), "utf8"),
) as {
  spec: { template: { spec: { containers: Container[] } } };
};
const containers = manifest.spec.template.spec.containers;
const container = (name: string) => containers.find((c) => c.name === name) as Container;

const ingest = newAccessKey(["companion-org"]);
const secret: Record<string, string> = {
  "database-url": "postgres://execlens:secret@postgres:5432/execlens",
  "api-keys": newAccessKey(["companion-org"]).entry,
  "ingest-keys": ingest.entry,
  "ingest-key": ingest.key,
};

/** A container's environment as the kubelet gives it: secrets read, `$(VAR)` of earlier variables expanded. */
function environment(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of c.env ?? []) {
    const raw =
      variable.valueFrom === undefined ? (variable.value ?? "") : secret[variable.valueFrom.secretKeyRef.key];
    if (raw === undefined) throw new Error(`${c.name}: ${variable.name}: no such key in the secret`);
    env[variable.name] = raw.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => env[name] ?? `$(${name})`);
  }
  return env;
}

describe("deploy/kubernetes-sidecar.yaml", () => {
  it("execlens' environment passes the configuration loader, exposure guard included", () => {
    const config = loadConfig(environment(container("execlens")), []);
    expect(config.databaseUrl).toBe(secret["database-url"]);
    expect(config.apiKeys).toHaveLength(1);
    expect(config.ingestKeys).toHaveLength(1);
  });

  it("the probes knock on the API port of a server listening beyond loopback", () => {
    const execlens = container("execlens");
    const config = loadConfig(environment(execlens), []);
    expect(config.host).not.toMatch(/^(127\.|::1$|localhost$)/);
    for (const probe of [execlens.readinessProbe, execlens.livenessProbe]) {
      expect(probe?.httpGet?.port).toBe(config.apiPort);
    }
    expect(execlens.ports?.map((p) => p.containerPort).sort()).toEqual(
      [config.otlpHttpPort, config.otlpGrpcPort, config.apiPort].sort(),
    );
  });

  it("the app sends the ingest key execlens accepts, to execlens' OTLP/HTTP port", () => {
    const app = environment(container("app"));
    const config = loadConfig(environment(container("execlens")), []);
    expect(decodeURIComponent(app.OTEL_EXPORTER_OTLP_HEADERS as string)).toBe(
      `Authorization=Bearer ${ingest.key}`,
    );
    expect(new URL(app.OTEL_EXPORTER_OTLP_ENDPOINT as string).port).toBe(String(config.otlpHttpPort));
  });
});
