import pg from "pg";
import { describe, expect, it, onTestFinished } from "vitest";
import { postgresNotifications } from "../src/store/postgres-notifications.js";
import { databaseKinds, postgres } from "./helpers/databases.js";
import { ownPostgres } from "./helpers/own-postgres.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends NOTIFY on a connection of its own until `received` holds something, or gives up. */
async function notifyUntilReceived(url: string, channel: string, received: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 100 && received.length === 0; attempt++) {
      await client.query("SELECT pg_notify($1, $2)", [channel, `attempt-${attempt}`]);
      await sleep(100);
    }
  } finally {
    await client.end();
  }
}

describe.runIf(databaseKinds.includes(postgres))("LISTEN for live progress [postgres]", () => {
  it("listens again after the server was down for several seconds", async () => {
    const server = await ownPostgres();
    onTestFinished(() => server.destroy());
    const notifications = postgresNotifications(server.url);
    // after hooks run last registered first: the connection closes before the server goes
    onTestFinished(() => notifications.close());
    const received: string[] = [];
    await notifications.listen("progress", (payload) => received.push(payload));
    await notifyUntilReceived(server.url, "progress", received);
    expect(received.length).toBeGreaterThan(0);

    await server.stop();
    // longer than one reconnect delay: the first attempts find the server still down
    await sleep(3_500);
    await server.start();
    received.length = 0;
    await notifyUntilReceived(server.url, "progress", received);
    expect(received.length).toBeGreaterThan(0);
  });
});
