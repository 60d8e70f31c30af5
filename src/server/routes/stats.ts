import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { timestampFromMicros, timestampMicros } from "../../model/index.js";
import { type Database, skillStats, workflowStats } from "../../store/index.js";
import type { ApiEnv } from "../auth.js";
import { ApiError } from "../errors.js";
import { StatsQuery } from "../query-params.js";
import { apiRouter } from "../router.js";
import { ErrorBody } from "../schemas.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest stats window. */
const MAX_WINDOW_MS = 92 * DAY_MS;

const Common = {
  count: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  failureRate: z.number(),
  timeoutRate: z.number(),
  durationMs: z.object({
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    p99: z.number().nullable(),
  }),
  series: z
    .array(z.object({ bucketStart: z.string(), count: z.number(), failed: z.number(), timeout: z.number() }))
    .optional(),
};

const SkillStatsBody = z
  .object({
    from: z.string(),
    to: z.string(),
    skills: z.array(z.object({ skillId: z.string().nullable(), skillName: z.string(), ...Common })),
  })
  .openapi("SkillStats");

const WorkflowStatsBody = z
  .object({
    from: z.string(),
    to: z.string(),
    workflows: z.array(
      z.object({
        workflowId: z.string().nullable(),
        workflowName: z.string().nullable(),
        ...Common,
        avgStepDurationMs: z.number().nullable(),
        totalTokens: z.number(),
        costUsd: z.number(),
      }),
    ),
  })
  .openapi("WorkflowStats");

const errors = {
  400: { description: "invalid parameters", content: { "application/json": { schema: ErrorBody } } },
  401: { description: "missing or unknown API key", content: { "application/json": { schema: ErrorBody } } },
} as const;

function windowOf(q: z.infer<typeof StatsQuery>) {
  const to = q.to ?? timestampFromMicros(BigInt(Date.now()) * 1000n);
  const from = q.from ?? timestampFromMicros(timestampMicros(to) - BigInt(DAY_MS) * 1000n);
  if (from >= to) throw new ApiError("bad_request", "invalid query parameter(s): from: must be before to");
  if (timestampMicros(to) - timestampMicros(from) > BigInt(MAX_WINDOW_MS) * 1000n) {
    throw new ApiError("bad_request", "invalid query parameter(s): from: the window is longer than 92 days");
  }
  return { from, to, ...(q.bucket_seconds === undefined ? {} : { bucketSeconds: q.bucket_seconds }) };
}

export function statsRoutes(db: Database): OpenAPIHono<ApiEnv> {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/stats/skills",
      tags: ["stats"],
      summary: "Per skill over a window: count, by status, failure and timeout rate, p50/p95/p99 duration",
      request: { query: StatsQuery.extend({ skill_id: z.string().optional() }) },
      responses: {
        200: { description: "stats", content: { "application/json": { schema: SkillStatsBody } } },
        ...errors,
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const window = windowOf(q);
      const skills = await skillStats(db, c.get("scope"), window, q.skill_id ? { skillId: q.skill_id } : {});
      return c.json({ from: window.from, to: window.to, skills }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/stats/workflows",
      tags: ["stats"],
      summary: "Per workflow over a window: count, by status, rates, p50/p95/p99 duration, tokens, cost",
      request: { query: StatsQuery.extend({ workflow_id: z.string().optional() }) },
      responses: {
        200: { description: "stats", content: { "application/json": { schema: WorkflowStatsBody } } },
        ...errors,
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const window = windowOf(q);
      const workflows = await workflowStats(
        db,
        c.get("scope"),
        window,
        q.workflow_id ? { workflowId: q.workflow_id } : {},
      );
      return c.json({ from: window.from, to: window.to, workflows }, 200);
    },
  );
  return app;
}
