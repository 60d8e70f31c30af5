import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { Agent, get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type PeerCertificate } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { OTLPTraceExporter as GrpcExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyPair, makeCertificates, type TestCertificates } from "./helpers/certificates.js";
import { spawnExeclens } from "./helpers/child-execlens.js";
import { pglite } from "./helpers/databases.js";
import { startTestExeclens, type TestExeclens } from "./helpers/execlens.js";
import { exportWith } from "./helpers/export.js";
import { skillRows } from "./helpers/rows.js";
import { recordSpans } from "./helpers/sdk.js";

/*
 * Issue 19, 2: the exporters over TLS with a CA the test makes, on the three servers; mutual TLS
 * refuses a client without a certificate; a replaced certificate reaches new connections.
 * TLS is the same on both databases: these tests run on PGlite.
 */

const certificates: TestCertificates = makeCertificates();

type Protocol = "http/json" | "http/protobuf" | "grpc";
const PROTOCOLS: Protocol[] = ["http/json", "http/protobuf", "grpc"];

function exporter(execlens: TestExeclens, protocol: Protocol, client?: KeyPair): SpanExporter {
  const identity = client === undefined ? {} : { cert: client.cert, key: client.key };
  if (protocol === "grpc") {
    return new GrpcExporter({
      url: `https://${execlens.otlpGrpcAddress}`,
      credentials: grpc.credentials.createSsl(certificates.ca, client?.key ?? null, client?.cert ?? null),
    });
  }
  const options = { url: execlens.tracesUrl, httpAgentOptions: { ca: certificates.ca, ...identity } };
  return protocol === "http/json" ? new JsonExporter(options) : new ProtobufExporter(options);
}

const oneSkill = (name: string) => recordSpans((t) => t.start("skill", { "skill.name": name }).end());

/** GET on the API over HTTPS: its status and the certificate the server showed. */
function apiGet(url: string, options: { client?: KeyPair; agent?: Agent } = {}) {
  return new Promise<{ status: number; subject: string }>((resolve, reject) => {
    const request = get(
      url,
      { ca: certificates.ca, cert: options.client?.cert, key: options.client?.key, agent: options.agent },
      (response) => {
        response.resume();
        const peer = (
          response.socket as unknown as { getPeerCertificate(): PeerCertificate }
        ).getPeerCertificate();
        resolve({ status: response.statusCode ?? 0, subject: String(peer.subject.CN) });
      },
    );
    request.on("error", reject);
  });
}

/** The certificate a new TLS connection to host:port is shown. */
function presented(address: string): Promise<string> {
  const url = new URL(address.includes("://") ? address : `https://${address}`);
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: url.hostname,
        port: Number(url.port),
        servername: "localhost",
        ca: certificates.ca,
        ALPNProtocols: ["h2", "http/1.1"],
      },
      () => {
        resolve(String(socket.getPeerCertificate().subject.CN));
        socket.destroy();
      },
    );
    socket.on("error", reject);
  });
}

function tlsFiles(pair: KeyPair) {
  const dir = mkdtempSync(join(tmpdir(), "execlens-tls-files-"));
  const files = { certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key") };
  copyFileSync(pair.certFile, files.certFile);
  copyFileSync(pair.keyFile, files.keyFile);
  return files;
}

describe("TLS (EXECLENS_TLS_CERT_FILE, EXECLENS_TLS_KEY_FILE)", () => {
  const files = tlsFiles(certificates.server);
  let execlens: TestExeclens;
  beforeAll(async () => {
    execlens = await startTestExeclens(pglite, { tlsCertFile: files.certFile, tlsKeyFile: files.keyFile });
  });
  afterAll(() => execlens?.stop());

  it.each(PROTOCOLS)("%s: the real exporter sends over TLS and its spans are stored", async (protocol) => {
    expect(execlens.tracesUrl).toMatch(/^https:/);
    await exportWith(exporter(execlens, protocol), await oneSkill(`over ${protocol}`));
    const names = (await skillRows(execlens.database.db)).map((r) => r.exec_skill_name);
    expect(names).toContain(`over ${protocol}`);
  });

  it("serves the API over TLS", async () => {
    expect(execlens.apiUrl).toMatch(/^https:/);
    expect(await apiGet(`${execlens.apiUrl}/readyz`)).toEqual({ status: 200, subject: "server-1" });
  });

  it("a replaced certificate reaches new connections on every port, without dropping open ones; a bad one is not taken", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await apiGet(`${execlens.apiUrl}/readyz`, { agent })).subject).toBe("server-1");

    copyFileSync(certificates.otherServer.certFile, files.certFile);
    copyFileSync(certificates.otherServer.keyFile, files.keyFile);
    const ports = [execlens.otlpHttpUrl, execlens.otlpGrpcAddress as string, execlens.apiUrl];
    const deadline = Date.now() + 15_000;
    while ((await Promise.all(ports.map(presented))).some((cn) => cn !== "server-2")) {
      if (Date.now() > deadline) throw new Error("the file watcher did not reload the certificate");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // the connection opened before the reload still answers, with the certificate it began with
    expect(await apiGet(`${execlens.apiUrl}/readyz`, { agent })).toEqual({
      status: 200,
      subject: "server-1",
    });
    agent.destroy();
    await exportWith(exporter(execlens, "grpc"), await oneSkill("after the reload"));

    writeFileSync(files.certFile, "not a certificate");
    execlens.reloadTls();
    expect(await Promise.all(ports.map(presented))).toEqual(["server-2", "server-2", "server-2"]);
    copyFileSync(certificates.otherServer.certFile, files.certFile);
  });
});

describe("mutual TLS (EXECLENS_TLS_CLIENT_CA_FILE)", () => {
  let execlens: TestExeclens;
  beforeAll(async () => {
    execlens = await startTestExeclens(pglite, {
      tlsCertFile: certificates.server.certFile,
      tlsKeyFile: certificates.server.keyFile,
      tlsClientCaFile: certificates.caFile,
    });
  });
  afterAll(() => execlens?.stop());

  it.each(PROTOCOLS)(
    "%s: a client with a certificate of the CA is served, one without is refused",
    async (protocol) => {
      await exportWith(
        exporter(execlens, protocol, certificates.client),
        await oneSkill(`mutual ${protocol}`),
      );
      const refused = await oneSkill(`no certificate ${protocol}`);
      await expect(exportWith(exporter(execlens, protocol), refused)).rejects.toBeDefined();
      const names = (await skillRows(execlens.database.db)).map((r) => r.exec_skill_name);
      expect(names).toContain(`mutual ${protocol}`);
      expect(names).not.toContain(`no certificate ${protocol}`);
    },
  );

  it("the API too", async () => {
    expect((await apiGet(`${execlens.apiUrl}/readyz`, { client: certificates.client })).status).toBe(200);
    await expect(apiGet(`${execlens.apiUrl}/readyz`)).rejects.toBeDefined();
  });
});

describe("the TLS files of the execlens command", () => {
  it("SIGHUP reloads them; a file that cannot be used at start stops execlens with exit 2 naming its setting", async () => {
    const files = tlsFiles(certificates.server);
    const dataDir = mkdtempSync(join(tmpdir(), "execlens-tls-cli-"));
    const ports = { EXECLENS_OTLP_HTTP_PORT: "0", EXECLENS_OTLP_GRPC_PORT: "0", EXECLENS_API_PORT: "0" };
    const tlsEnv = { EXECLENS_TLS_CERT_FILE: files.certFile, EXECLENS_TLS_KEY_FILE: files.keyFile };
    const app = spawnExeclens([], { ...ports, EXECLENS_DATA_DIR: dataDir, ...tlsEnv });
    try {
      const ready = await app.ready();
      expect(ready).toMatchObject({ access: { tls: "on" } });
      expect(await presented(ready.api)).toBe("server-1");
      copyFileSync(certificates.otherServer.certFile, files.certFile);
      copyFileSync(certificates.otherServer.keyFile, files.keyFile);
      app.child.kill("SIGHUP");
      const deadline = Date.now() + 10_000;
      while (!app.output().stdout.includes('"trigger":"SIGHUP"')) {
        if (Date.now() > deadline) throw new Error(`no reload on SIGHUP: ${app.output().stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await presented(ready.api)).toBe("server-2");
    } finally {
      app.child.kill("SIGTERM");
      await app.exited;
    }

    for (const [env, setting] of [
      [
        { EXECLENS_TLS_CERT_FILE: join(dataDir, "missing.crt"), EXECLENS_TLS_KEY_FILE: files.keyFile },
        "EXECLENS_TLS_CERT_FILE",
      ],
      [
        { EXECLENS_TLS_CERT_FILE: files.certFile, EXECLENS_TLS_KEY_FILE: certificates.client.keyFile },
        "EXECLENS_TLS_KEY_FILE",
      ],
      [{ EXECLENS_TLS_CERT_FILE: files.certFile }, "EXECLENS_TLS_KEY_FILE"],
      [
        { ...tlsEnv, EXECLENS_TLS_CLIENT_CA_FILE: certificates.client.keyFile },
        "EXECLENS_TLS_CLIENT_CA_FILE",
      ],
    ] as const) {
      const failed = spawnExeclens([], { ...ports, EXECLENS_DATA_DIR: dataDir, ...env });
      expect(await failed.exited).toBe(2);
      expect(failed.output().stderr).toMatch(new RegExp(`^execlens: invalid configuration: ${setting}: `));
    }
  });
});
