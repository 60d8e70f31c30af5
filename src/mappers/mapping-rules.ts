import type { AttributeValue, Span, SpanRole } from "../model/index.js";
import { SpanReader } from "./span-reader.js";

/** What a rule's match says about one attribute: equal to a value, or present / absent. */
export type AttributeCondition = string | number | boolean | { readonly exists: boolean };

export interface MappingRule {
  readonly name?: string;
  readonly match: {
    /** The span name, exactly, or a pattern where `*` stands for any text. */
    readonly name?: string;
    /** The instrumentation scope name, exactly. */
    readonly scope?: string;
    readonly attributes?: Readonly<Record<string, AttributeCondition>>;
  };
  /** What the span is; without it, what the built-in conventions make of the mapped span. */
  readonly role?: Exclude<SpanRole, "db" | "http">;
  /** target (a column or a JSON path) ← the span or resource attribute to take it from. */
  readonly map?: Readonly<Record<string, string>>;
}

type Kind = "skill" | "workflow" | "step";

/** The columns a rule can fill, as the convention attribute each kind of span reads them from. */
const COLUMN_TARGETS: Record<string, Partial<Record<Kind, string>> | string> = {
  skill_id: { skill: "skill.id" },
  skill_name: { skill: "skill.name" },
  step_number: { skill: "skill.step_number" },
  workflow_id: "workflow.id",
  workflow_name: "workflow.name",
  execution_id: "workflow.execution.id",
  total_steps: "workflow.total_steps",
  status: "workflow.status",
  step_id: { step: "workflow.step.id" },
  step_order: { step: "workflow.step.order" },
  companion_id: "companion.id",
  user_id: "user.id",
  organization_id: "organization.id",
  session_id: "session.id",
  conversation_id: "conversation.id",
  input_data: { skill: "skill.input" },
  output_data: { skill: "skill.output" },
  initial_input: { workflow: "workflow.input" },
  final_output: { workflow: "workflow.output" },
  input: { skill: "skill.input", workflow: "workflow.input", step: "skill.input" },
  output: { skill: "skill.output", workflow: "workflow.output", step: "skill.output" },
};
/** JSON paths a rule can fill: metadata.<path> (every kind), execution_config.<path> (workflows). */
const PATH_TARGET = /^(metadata|execution_config)(\.[^.]+)+$/;

/** Why `target` is not something a rule can map to, or undefined when it is. */
export function targetProblem(target: string): string | undefined {
  if (target in COLUMN_TARGETS || PATH_TARGET.test(target)) return undefined;
  return `unknown target; use a column (${Object.keys(COLUMN_TARGETS).join(", ")}) or metadata.<path> / execution_config.<path>`;
}

/** Name patterns compiled once: rules are tried on every span of every request. */
const compiledGlobs = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  let compiled = compiledGlobs.get(pattern);
  if (compiled === undefined) {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*");
    compiled = new RegExp(`^${escaped}$`, "s");
    compiledGlobs.set(pattern, compiled);
  }
  return compiled;
}

function satisfies(value: AttributeValue | undefined, condition: AttributeCondition): boolean {
  if (typeof condition === "object") return (value !== undefined) === condition.exists;
  if (value === undefined) return false;
  return typeof value === "bigint" || typeof value === "number" || typeof value === "boolean"
    ? String(value) === String(condition)
    : value === condition;
}

function matches(rule: MappingRule, reader: SpanReader): boolean {
  const span = reader.span;
  const { name, scope, attributes = {} } = rule.match;
  if (name !== undefined && !(name.includes("*") ? globToRegExp(name).test(span.name) : name === span.name)) {
    return false;
  }
  if (scope !== undefined && span.scope.name !== scope) return false;
  return Object.entries(attributes).every(([key, condition]) => satisfies(reader.raw(key), condition));
}

/** The convention attribute a target maps to for a span of this kind. */
function conventionKey(target: string, kind: Kind): string | undefined {
  const column = COLUMN_TARGETS[target];
  if (typeof column === "string") return column;
  if (column !== undefined) return column[kind];
  const [root, ...path] = target.split(".");
  if (root === "metadata") return `${kind === "step" ? "skill" : kind}.metadata.${path.join(".")}`;
  return kind === "workflow" ? `workflow.config.${path.join(".")}` : undefined;
}

export interface RuledSpan {
  readonly span: Span;
  /** The role the rule decided, if it decided one. */
  readonly role?: SpanRole;
}

/**
 * The first matching rule's view of a span: its mapped attributes written under the execlens
 * convention keys (over any already there: rules take precedence), so that the mappers read
 * them as they read a span that follows the conventions.
 */
export function applyRules(span: Span, rules: readonly MappingRule[]): RuledSpan {
  const reader = new SpanReader(span);
  const rule = rules.find((r) => matches(r, reader));
  if (rule === undefined) return { span };
  const role = rule.role;
  const kind: Kind =
    role === "skill" || role === "step"
      ? role
      : role === "workflow" || role === "ai_call"
        ? "workflow"
        : Object.keys(rule.map ?? {}).some((t) => t.startsWith("skill") || t === "input_data")
          ? "skill"
          : "workflow";
  const attributes: Record<string, AttributeValue> = Object.assign(Object.create(null), span.attributes);
  for (const [target, source] of Object.entries(rule.map ?? {})) {
    const value = reader.raw(source);
    const key = conventionKey(target, kind);
    if (value !== undefined && key !== undefined) attributes[key] = value;
  }
  // a declared role needs the attribute the conventions recognise it by
  if (role === "skill" && attributes["skill.name"] === undefined && attributes["skill.id"] === undefined) {
    attributes["skill.name"] = span.name;
  }
  if (
    role === "workflow" &&
    !["workflow.name", "workflow.id", "workflow.execution.id"].some((k) => k in attributes)
  ) {
    attributes["workflow.name"] = span.name;
  }
  if (
    role === "step" &&
    attributes["workflow.step.id"] === undefined &&
    attributes["workflow.step.order"] === undefined
  ) {
    attributes["workflow.step.id"] = span.name;
  }
  return { span: { ...span, attributes }, ...(role === undefined ? {} : { role }) };
}
