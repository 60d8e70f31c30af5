import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { isOneOf, TERMINAL_STATUSES } from "../../model/index.js";
import { type DatabaseHandle, WORKFLOW_CHANGED_CHANNEL } from "../../store/index.js";
import type { ApiEnv } from "../auth.js";
import { ApiError } from "../errors.js";
import { apiRouter } from "../router.js";
import { ErrorBody } from "../schemas.js";
import { type LiveState, readLiveState } from "./live-state.js";

/** Re-read even without a notification this often, in case one was missed (reconnects). */
const POLL_MS = 5_000;
const KEEPALIVE_MS = 15_000;

const route = createRoute({
  method: "get",
  path: "/api/workflow-executions/{executionId}/events",
  tags: ["live"],
  summary:
    "Server-Sent Events: the execution's state each time it changes; `end` with the terminal state, then the stream closes",
  request: {
    params: z.object({ executionId: z.string().openapi({ description: "wkex_execution_id or wkex_id" }) }),
  },
  responses: {
    200: {
      description: "`event: state` (JSON state) on every change, `event: end` once terminal",
      content: { "text/event-stream": { schema: z.string() } },
    },
    401: {
      description: "missing or unknown API key",
      content: { "application/json": { schema: ErrorBody } },
    },
    404: { description: "not found", content: { "application/json": { schema: ErrorBody } } },
  },
});

/**
 * Every commit notifies the workflow executions it changed (LISTEN/NOTIFY on PostgreSQL, so
 * across replicas; PGlite's own notifications when embedded); each notification for this
 * execution re-reads it and sends its state when it differs from the last one sent.
 */
export function eventRoutes(database: DatabaseHandle): OpenAPIHono<ApiEnv> {
  const app = apiRouter();
  app.openapi(route, async (c) => {
    const scope = c.get("scope");
    const { executionId } = c.req.valid("param");
    const first = await readLiveState(database.db, scope, executionId);
    if (first === undefined) throw new ApiError("not_found", "no such workflow execution");
    return streamSSE(c, async (stream) => {
      let last = "";
      let done = false;
      let reading: Promise<void> | undefined;
      let again = false;
      let wake: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const send = async (state: LiveState) => {
        const data = JSON.stringify(state);
        if (done || data === last) return;
        last = data;
        const terminal = isOneOf(TERMINAL_STATUSES, state.status);
        await stream.writeSSE({ event: terminal ? "end" : "state", data });
        if (terminal) {
          done = true;
          wake();
        }
      };
      const refresh = () => {
        if (reading !== undefined) {
          again = true;
          return;
        }
        reading = (async () => {
          do {
            again = false;
            const state = await readLiveState(database.db, scope, first.wkexId).catch(() => undefined);
            if (state !== undefined) await send(state);
          } while (again && !done);
        })().finally(() => {
          reading = undefined;
        });
      };
      const unsubscribe = await database.notifications.listen(WORKFLOW_CHANGED_CHANNEL, (payload) => {
        if (payload === first.wkexId) refresh();
      });
      const poll = setInterval(refresh, POLL_MS);
      const keepalive = setInterval(
        () => void stream.write(": keep-alive\n\n").catch(() => undefined),
        KEEPALIVE_MS,
      );
      stream.onAbort(() => {
        done = true;
        wake();
      });
      try {
        await send(first);
        refresh();
        await finished;
        await reading;
      } finally {
        clearInterval(poll);
        clearInterval(keepalive);
        await unsubscribe();
      }
    });
  });
  return app;
}
