import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import type { Hono } from "hono";

export interface Listening {
  readonly url: string;
  readonly port: number;
  /** Stops accepting; resolves once the requests in flight have been answered. */
  close(): Promise<void>;
  /** Drops every connection, answered or not. */
  forceClose(): void;
}

type HttpServer = ServerType & { closeIdleConnections(): void; closeAllConnections(): void };

/** Serves an app on host:port (0 picks a free port) and resolves once it listens. */
export function listen(app: Pick<Hono, "fetch">, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off("error", reject);
      const hostForUrl = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${hostForUrl}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as HttpServer).closeIdleConnections();
          }),
        forceClose: () => (server as HttpServer).closeAllConnections(),
      });
    });
    server.once("error", reject);
  });
}
