import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import type { Hono } from "hono";
import { secureContextOptions, type TlsSource } from "./tls.js";

export interface Listening {
  readonly url: string;
  readonly port: number;
  /** Stops accepting; resolves once the requests in flight have been answered. */
  close(): Promise<void>;
  /** Drops every connection, answered or not. */
  forceClose(): void;
}

type HttpServer = ServerType & { closeIdleConnections(): void; closeAllConnections(): void };

/**
 * Serves an app on host:port (0 picks a free port) and resolves once it listens; over HTTPS with
 * `tls`, whose reloads reach new connections (those in flight keep theirs).
 */
export function listen(
  app: Pick<Hono, "fetch">,
  host: string,
  port: number,
  tls?: TlsSource,
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const secure =
      tls === undefined ? {} : { createServer: createHttpsServer, serverOptions: tls.httpsOptions() };
    const server = serve({ fetch: app.fetch, hostname: host, port, ...secure }, (info: AddressInfo) => {
      server.off("error", reject);
      const unsubscribe = tls?.subscribe((material) =>
        (server as HttpsServer).setSecureContext(secureContextOptions(material)),
      );
      const hostForUrl = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `${tls === undefined ? "http" : "https"}://${hostForUrl}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            unsubscribe?.();
            server.close(() => done());
            (server as HttpServer).closeIdleConnections();
          }),
        forceClose: () => (server as HttpServer).closeAllConnections(),
      });
    });
    server.once("error", reject);
  });
}
