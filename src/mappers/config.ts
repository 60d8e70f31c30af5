import { z } from "zod";
import { type ConfigOf, optionalSetting, structured } from "../model/index.js";
import { targetProblem } from "./mapping-rules.js";

const usdPerMillion = z.number().finite().min(0);
/** One entry of the price table (see prices.ts). */
const PRICE = z.strictObject({
  provider: z.string().min(1).default("custom"),
  model: z.string().min(1),
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD"),
  input: usdPerMillion,
  output: usdPerMillion,
  cachedInput: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
  reasoning: usdPerMillion.optional(),
});

const ROLES = ["skill", "workflow", "step", "ai_call", "llm", "other"] as const;
const CONDITION = z.union([z.string(), z.number(), z.boolean(), z.strictObject({ exists: z.boolean() })]);
/** One mapping rule (see mapping-rules.ts). */
const MAPPING_RULE = z.strictObject({
  name: z.string().min(1).optional(),
  match: z
    .strictObject({
      name: z.string().min(1).optional(),
      scope: z.string().min(1).optional(),
      attributes: z.record(z.string().min(1), CONDITION).optional(),
    })
    .refine(
      (m) => m.name !== undefined || m.scope !== undefined || Object.keys(m.attributes ?? {}).length > 0,
      { message: "must say something to match: name, scope or attributes" },
    ),
  role: z.enum(ROLES).optional(),
  map: z
    .record(z.string(), z.string().min(1, "must name the attribute to take the value from"))
    .superRefine((map, ctx) => {
      for (const target of Object.keys(map)) {
        const problem = targetProblem(target);
        if (problem !== undefined) ctx.addIssue({ code: "custom", path: [target], message: problem });
      }
    })
    .optional(),
});

/** `rule 2 ("tenants")` for the second rule, as the errors name it. */
function ruleLabel(path: readonly PropertyKey[], value: unknown): string {
  const [index, ...rest] = path;
  if (typeof index !== "number") return path.join(".");
  const rule = Array.isArray(value) ? (value[index] as { name?: unknown } | undefined) : undefined;
  const name = typeof rule?.name === "string" ? ` (${JSON.stringify(rule.name)})` : "";
  return `rule ${index + 1}${name}${rest.length > 0 ? `: ${rest.join(".")}` : ""}`;
}

/** How spans are read: the app's own attribute names, and model prices. */
export const mappingSettings = {
  prices: optionalSetting({
    env: "EXECLENS_PRICES",
    flag: "prices",
    schema: structured(z.array(PRICE)),
    unset: "shipped table",
    help: "model prices added to (and overriding) the shipped ones, JSON; in the YAML file a list (see Tokens and cost)",
  }),
  mappingRules: optionalSetting({
    env: "EXECLENS_MAPPING_RULES",
    flag: "mapping-rules",
    schema: structured(z.array(MAPPING_RULE), ruleLabel),
    unset: "none",
    help: "rules mapping an app's own attributes, JSON; in the YAML file a list (see Mapping rules)",
  }),
};

export type MappingConfig = ConfigOf<typeof mappingSettings>;
