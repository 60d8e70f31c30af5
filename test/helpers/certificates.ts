import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KeyPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TestCertificates {
  readonly dir: string;
  readonly caFile: string;
  readonly ca: Buffer;
  /** Two server certificates for 127.0.0.1 and localhost (CN server-1, server-2), to swap on reload. */
  readonly server: KeyPair;
  readonly otherServer: KeyPair;
  /** A client certificate for mutual TLS (CN client-1). */
  readonly client: KeyPair;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

function signed(dir: string, name: string, usage: "serverAuth" | "clientAuth"): KeyPair {
  const extensions = join(dir, `${name}.ext`);
  writeFileSync(
    extensions,
    usage === "serverAuth"
      ? "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
      : "extendedKeyUsage=clientAuth\n",
  );
  openssl(dir, [
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${name}`,
  ]);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    extensions,
    "-out",
    `${name}.crt`,
  ]);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/** A CA of its own and certificates it signed, made with Debian's `openssl` in a temporary folder. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "execlens-tls-"));
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=execlens test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  const caFile = join(dir, "ca.crt");
  return {
    dir,
    caFile,
    ca: readFileSync(caFile),
    server: signed(dir, "server-1", "serverAuth"),
    otherServer: signed(dir, "server-2", "serverAuth"),
    client: signed(dir, "client-1", "clientAuth"),
  };
}
