import { createConnection, createServer, type Server, type Socket } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../src/store/index.js";
import { queryRows } from "../src/store/transaction.js";
import { databaseKinds, postgres, type TestDatabase } from "./helpers/databases.js";

/**
 * A TCP proxy to the PostgreSQL server that, when told, cuts the connection that next sends
 * BEGIN (both sides closed, as in a server restart between two transactions).
 */
async function cuttingProxy(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let cutsLeft = 0;
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.on("data", (chunk: Buffer) => {
      if (cutsLeft > 0 && chunk.includes("begin")) {
        cutsLeft--;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no proxy port");
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  return {
    url: url.toString(),
    cutAtNextBegin: () => {
      cutsLeft++;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.runIf(databaseKinds.includes(postgres))("transactions on the PostgreSQL pool", () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof cuttingProxy>>;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    database = await postgres.create();
    proxy = await cuttingProxy(database.url as string);
    handle = await openDatabase({ databaseUrl: proxy.url });
  });
  afterAll(async () => {
    await proxy?.close();
    await database?.drop();
  });

  it("give their connection back when BEGIN fails on a dead one: the pool neither shrinks nor hangs its close", async () => {
    // more than the pool's 10 connections: each one kept would leave one fewer
    for (let i = 0; i < 12; i++) {
      proxy.cutAtNextBegin();
      await expect(handle.db.transaction((tx) => tx.execute(sql`SELECT 1`))).rejects.toThrow();
    }
    const rows = await handle.db.transaction((tx) => queryRows<{ v: number }>(tx, sql`SELECT 42 AS v`));
    expect(rows).toEqual([{ v: 42 }]);
    const closed = await Promise.race([
      handle.close().then(() => "closed"),
      new Promise((resolve) => setTimeout(() => resolve("still waiting"), 10_000).unref()),
    ]);
    expect(closed).toBe("closed");
  });
});
