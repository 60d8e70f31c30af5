import pg from "pg";
import type { Notifications } from "./notifications.js";

/** How long after losing its connection (or failing to get it back) LISTEN tries again. */
const RECONNECT_DELAY_MS = 1000;

/**
 * LISTEN on one dedicated connection, shared by every subscriber of this process; it reconnects
 * (and listens again) after the server restarts, trying every second while the server is down.
 */
export function postgresNotifications(connectionString: string): Notifications {
  const subscribers = new Map<string, Set<(payload: string) => void>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;

  const connect = (): Promise<pg.Client> => {
    if (client !== undefined) return Promise.resolve(client);
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString });
      next.on("notification", (message) => {
        for (const callback of subscribers.get(message.channel) ?? []) callback(message.payload ?? "");
      });
      next.on("error", () => {
        // an error while connecting or listening rejects this connect(), whose caller goes on
        if (client !== next) return;
        client = undefined;
        next.end().catch(() => undefined);
        reconnectLater();
      });
      try {
        await next.connect();
        for (const channel of subscribers.keys()) await next.query(`LISTEN "${channel}"`);
      } catch (error) {
        next.end().catch(() => undefined);
        throw error;
      }
      client = next;
      return next;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  const reconnectLater = (): void => {
    if (closed || subscribers.size === 0) return;
    setTimeout(() => void connect().catch(reconnectLater), RECONNECT_DELAY_MS).unref();
  };

  return {
    async listen(channel, onPayload) {
      let set = subscribers.get(channel);
      const first = set === undefined;
      if (set === undefined) {
        set = new Set();
        subscribers.set(channel, set);
      }
      set.add(onPayload);
      const connection = await connect();
      if (first) await connection.query(`LISTEN "${channel}"`);
      return async () => {
        set.delete(onPayload);
      };
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
