import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync, type Stats, unwatchFile, watchFile } from "node:fs";
import type { SecureContextOptions } from "node:tls";
import type * as Grpc from "@grpc/grpc-js";
import { ConfigError } from "./config.js";

/** The TLS settings, by their variable names for the errors. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Mutual TLS: clients must present a certificate these CAs signed. */
  readonly clientCaFile?: string;
}

/** What one reading of the files gave, checked: the key matches the certificate. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
  /** The certificate's subject and end of validity, for the logs. */
  readonly subject: string;
  readonly validTo: string;
}

function readPem(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(setting, `cannot read ${file}: ${(error as Error).message}`);
  }
}

function checked<T>(setting: string, file: string, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError(setting, `${file} does not hold ${what}: ${(error as Error).message}`);
  }
}

function readCa(file: string): Buffer {
  const ca = readPem(file, "EXECLENS_TLS_CLIENT_CA_FILE");
  // parses the first certificate: a file without one would let no client in
  checked("EXECLENS_TLS_CLIENT_CA_FILE", file, "PEM CA certificates", () => new X509Certificate(ca));
  return ca;
}

/** Reads the files; throws a ConfigError naming the setting whose file is missing or wrong. */
export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const cert = readPem(files.certFile, "EXECLENS_TLS_CERT_FILE");
  const key = readPem(files.keyFile, "EXECLENS_TLS_KEY_FILE");
  const ca = files.clientCaFile === undefined ? undefined : readCa(files.clientCaFile);
  const x509 = checked(
    "EXECLENS_TLS_CERT_FILE",
    files.certFile,
    "a PEM certificate",
    () => new X509Certificate(cert),
  );
  const privateKey = checked("EXECLENS_TLS_KEY_FILE", files.keyFile, "a PEM private key", () =>
    createPrivateKey(key),
  );
  if (!x509.checkPrivateKey(privateKey)) {
    throw new ConfigError(
      "EXECLENS_TLS_KEY_FILE",
      `${files.keyFile} is not the private key of the certificate in ${files.certFile}`,
    );
  }
  return { cert, key, ca, subject: x509.subject, validTo: x509.validTo };
}

/** The secure context options every server takes from the material. */
export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return material.ca === undefined
    ? { cert: material.cert, key: material.key }
    : { cert: material.cert, key: material.key, ca: material.ca };
}

/**
 * The TLS files as every server uses them: read once at start, re-read on `reload()` (SIGHUP)
 * and when a file changes. Servers subscribe and swap their secure context, which only new
 * connections see: requests in flight are not dropped. A reading that fails keeps the current
 * material.
 */
export class TlsSource {
  private listeners = new Set<(material: TlsMaterial) => void>();

  private constructor(
    private readonly files: TlsFiles,
    private material: TlsMaterial,
  ) {}

  static load(files: TlsFiles): TlsSource {
    return new TlsSource(files, readTlsMaterial(files));
  }

  get current(): TlsMaterial {
    return this.material;
  }

  /** Whether clients must present a certificate (EXECLENS_TLS_CLIENT_CA_FILE). */
  get mutual(): boolean {
    return this.files.clientCaFile !== undefined;
  }

  /** Calls the listener with each new material; returns the unsubscribe. */
  subscribe(listener: (material: TlsMaterial) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the files; throws (keeping the current material) when they are not usable. */
  reload(): TlsMaterial {
    const material = readTlsMaterial(this.files);
    this.material = material;
    for (const listener of this.listeners) listener(material);
    return material;
  }

  /**
   * Calls `onChange` when a file changes (stat polling: it follows renames and the symlink swaps
   * of Kubernetes secrets, which fs.watch loses), once the files have been quiet for a moment, so
   * that a certificate and key replaced one after the other are read together. Returns the stop.
   */
  watch(onChange: () => void, intervalMs = 1000): () => void {
    const paths = [this.files.certFile, this.files.keyFile, this.files.clientCaFile].filter(
      (path): path is string => path !== undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, 200);
    };
    // called on any stat change, reading included (atime): only a new content counts
    const listener = (current: Stats, previous: Stats) => {
      if (
        current.mtimeMs !== previous.mtimeMs ||
        current.ino !== previous.ino ||
        current.size !== previous.size
      )
        changed();
    };
    for (const path of paths) watchFile(path, { interval: intervalMs, persistent: false }, listener);
    return () => {
      clearTimeout(timer);
      for (const path of paths) unwatchFile(path, listener);
    };
  }

  /** Options for an `https` server: the context, and client certificates required under mutual TLS. */
  httpsOptions() {
    return {
      ...secureContextOptions(this.material),
      requestCert: this.mutual,
      rejectUnauthorized: this.mutual,
    };
  }

  /**
   * gRPC server credentials that follow the reloads, made with the grpc-js the receiver loaded
   * (it is loaded only when the gRPC port is on). grpc-js swaps the secure context of its HTTP/2
   * servers when credentials report new options (the mechanism of its certificate providers), so
   * new connections get the new certificate.
   */
  grpcCredentials(grpc: typeof Grpc): Grpc.ServerCredentials {
    const source = this;
    class ReloadingServerCredentials extends grpc.ServerCredentials {
      constructor() {
        super(
          { requestCert: source.mutual, rejectUnauthorized: source.mutual },
          secureContextOptions(source.current),
        );
        source.subscribe((material) => this.updateSecureContextOptions(secureContextOptions(material)));
      }

      _equals(other: Grpc.ServerCredentials): boolean {
        return other === this;
      }
    }
    return new ReloadingServerCredentials();
  }
}
