import { z } from "@hono/zod-openapi";
import { parseTimestamp, SKILL_STATUSES, WORKFLOW_STATUSES } from "../model/index.js";

/** Largest page a list returns. */
export const MAX_LIMIT = 500;

const statusList = (allowed: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const statuses = value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      const unknown = statuses.filter((s) => !allowed.includes(s));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `unknown status ${unknown.join(", ")}; use ${allowed.join(", ")}`,
        });
        return z.NEVER;
      }
      return statuses;
    })
    .openapi({
      description: `one or more of ${allowed.join(", ")}, comma-separated`,
      example: "failed,timeout",
    });

const id = (description: string) => z.string().min(1).max(200).optional().openapi({ description });
const instant = (description: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const timestamp = parseTimestamp(value);
      if (timestamp === undefined) {
        ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date-time" });
        return z.NEVER;
      }
      return timestamp;
    })
    .openapi({ description, format: "date-time" });

const common = {
  companion_id: id("companion (UUID or the original id)"),
  user_id: id("user (UUID or the original id)"),
  organization_id: id("organisation (UUID or the original id)"),
  session_id: id("session id"),
  conversation_id: id("conversation id"),
  started_from: instant("started at or after"),
  started_to: instant("started before"),
  min_duration_ms: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ description: "shortest duration, ms" }),
  sort: z.enum(["started_at", "duration"]).default("started_at"),
  order: z.enum(["desc", "asc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50),
  cursor: z.string().max(500).optional().openapi({ description: "nextCursor of the previous page" }),
};

export const SkillListQuery = z.object({
  ...common,
  skill_id: id("skill (UUID or the original id)"),
  workflow_execution_id: id("workflow execution (wkex_id or wkex_execution_id)"),
  status: statusList(SKILL_STATUSES),
});

export const WorkflowListQuery = z.object({
  ...common,
  workflow_id: id("workflow (wkfl_id: UUID or the original id)"),
  status: statusList(WORKFLOW_STATUSES),
});

export const LlmCallListQuery = z.object({
  model: id("model id, exactly as recorded (gen_ai.response.model, else the requested one)"),
  provider: id("provider (openai, anthropic, …)"),
  workflow_execution_id: id("workflow execution (wkex_id or wkex_execution_id)"),
  organization_id: common.organization_id,
  started_from: common.started_from,
  started_to: common.started_to,
  sort: common.sort,
  order: common.order,
  limit: common.limit,
  cursor: common.cursor,
});

export const StatsQuery = z.object({
  from: instant("window start (default: 24 h before `to`)"),
  to: instant("window end (default: now)"),
  bucket_seconds: z.coerce
    .number()
    .int()
    .min(60)
    .max(31 * 24 * 3600)
    .optional()
    .openapi({ description: "add a per-bucket series of this width, for charts" }),
});
