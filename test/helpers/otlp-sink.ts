import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface SunkRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as sent (still compressed, if it was). */
  readonly raw: Buffer;
  /** The body after Content-Encoding: gzip is undone. */
  readonly body: Buffer;
}

/** What the sink answers a request with. */
export type SinkAnswer = (
  request: SunkRequest,
) => Promise<{ status: number; body?: Uint8Array; contentType?: string }>;

/**
 * A plain HTTP server on loopback that records every request: the downstream of forwarding, the
 * receiver of self-telemetry, or (with an answer that passes requests on) a recording proxy.
 */
export class OtlpSink {
  readonly requests: SunkRequest[] = [];
  private held: Array<() => void> | undefined;
  private readonly waiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(answer: SinkAnswer = async () => ({ status: 200 })): Promise<OtlpSink> {
    let sink: OtlpSink | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", async () => {
        const raw = Buffer.concat(chunks);
        const request: SunkRequest = {
          path: req.url ?? "",
          headers: req.headers,
          raw,
          body: req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw,
        };
        sink?.requests.push(request);
        for (const wake of sink?.waiters.splice(0) ?? []) wake();
        if (sink?.held !== undefined) await new Promise<void>((resolve) => sink?.held?.push(resolve));
        const { status, body, contentType = "application/json" } = await answer(request);
        res.writeHead(status, { "content-type": contentType });
        res.end(body === undefined ? undefined : Buffer.from(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    sink = new OtlpSink(server, `http://127.0.0.1:${port}`);
    return sink;
  }

  /** From now on requests are recorded but not answered, until release(). */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  /** Resolves once at least n requests have arrived. */
  async waitFor(n: number, timeoutMs = 10_000): Promise<SunkRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < n) {
      if (Date.now() > deadline) throw new Error(`sink got ${this.requests.length} of ${n} requests`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.requests;
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A recording proxy: what a client sends is kept in `requests` and passed on to `target`. */
export function startRecordingProxy(target: string): Promise<OtlpSink> {
  return OtlpSink.start(async (request) => {
    const response = await fetch(`${target}${request.path}`, {
      method: "POST",
      headers: Object.fromEntries(
        ["content-type", "content-encoding"].flatMap((name) => {
          const value = request.headers[name];
          return typeof value === "string" ? [[name, value]] : [];
        }),
      ),
      body: request.raw,
    });
    return {
      status: response.status,
      body: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get("content-type") ?? undefined,
    };
  });
}
