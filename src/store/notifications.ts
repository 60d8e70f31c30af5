import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
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
