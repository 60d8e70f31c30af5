import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import pg from "pg";
import { pgArray } from "./sql-values.js";
import type { Transaction } from "./transaction.js";

/** Channel on which every commit names the workflow executions it changed. */
export const WORKFLOW_CHANGED_CHANNEL = "execlens_workflow_changed";

/** Names the workflow executions a transaction changed; delivered to listeners when it commits. */
export async function notifyWorkflowsChanged(tx: Transaction, wkexIds: readonly string[]): Promise<void> {
  if (wkexIds.length === 0) return;
  await tx.execute(
    sql`SELECT count(pg_notify(${WORKFLOW_CHANGED_CHANNEL}, id)) FROM unnest(${pgArray(wkexIds)}::text[]) AS id`,
  );
}

export type Unsubscribe = () => Promise<void>;

export interface Notifications {
  /** Calls `onPayload` for each notification on the channel, from any execlens sharing the database. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** For a database that cannot LISTEN (a standby): subscribers hear nothing and rely on polling. */
export const noNotifications: Notifications = {
  listen: async () => async () => undefined,
  close: async () => undefined,
};

export function pgliteNotifications(client: PGlite): Notifications {
  return {
    listen: async (channel, onPayload) => {
      const unlisten = await client.listen(channel, onPayload);
      return () => unlisten();
    },
    close: async () => undefined,
  };
}

/**
 * LISTEN on one dedicated connection, shared by every subscriber of this process; it reconnects
 * (and listens again) after the server restarts.
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
        client = undefined;
        next.end().catch(() => undefined);
        if (!closed && subscribers.size > 0) setTimeout(() => void connect().catch(() => undefined), 1000);
      });
      await next.connect();
      for (const channel of subscribers.keys()) await next.query(`LISTEN "${channel}"`);
      client = next;
      return next;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
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
