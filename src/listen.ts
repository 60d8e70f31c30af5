import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import type { Hono } from "hono";

export interface Listening {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves a Hono app on host:port (0 picks a free port) and resolves once it listens. */
export function listen(app: Hono, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    const onError = (error: Error) => reject(error);
    server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server?.off("error", onError);
      const hostForUrl = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${hostForUrl}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server?.close(() => done());
            if ("closeAllConnections" in (server ?? {}))
              (server as { closeAllConnections(): void }).closeAllConnections();
          }),
      });
    });
    server.once("error", onError);
  });
}
