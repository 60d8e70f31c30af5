import type { SpanRole } from "../../model/index.js";
import type { Target } from "./targets.js";
import type { TransformName } from "./transforms.js";

/**
 * An instrumentation family described as data: how it marks a span's role, and which of its
 * attributes (or span events) hold each field execlens stores. One module per family under
 * `conventions/`; the engine reads them all, in the order of FAMILIES.
 */
export interface Family {
  /** Stable id (the README's anchor). */
  readonly id: string;
  readonly name: string;
  /** The instrumentations that send it, for the README. */
  readonly sentBy: string;
  readonly roles: readonly RoleMark[];
  readonly fields: readonly FieldMapping[];
}

/** The roles a family can give a span (the execlens conventions own workflow, step and skill). */
export type FamilyRole = Extract<
  SpanRole,
  "ai_call" | "llm" | "tool" | "retrieval" | "guardrail" | "evaluation"
>;

export interface RoleMark {
  readonly role: FamilyRole;
  readonly when: Condition;
  /** The operation of a model request or AI call so marked (else the family's `operation` field). */
  readonly operation?: string;
}

/** What a span must have: an attribute (equal to one of `equals`, case-insensitively), its first name word, or all / any of several. */
export type Condition =
  | { readonly attribute: string; readonly equals?: readonly string[] }
  | { readonly absent: string }
  | { readonly name: readonly string[] }
  | { readonly scope: string }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] };

/**
 * Where a value comes from: a span attribute (else its resource's, for the id fields), every
 * attribute under a prefix (flattened lists: `llm.input_messages.0.message.role`), an attribute
 * of the span's last event of a name, every event of some names, or the span's name.
 */
export type Source =
  | string
  | { readonly prefix: string }
  | { readonly event: string; readonly attribute: string }
  | { readonly events: readonly string[] }
  | { readonly spanName: true };

export interface FieldMapping {
  readonly target: Target;
  /** Tried in order, the first present wins. */
  readonly from: readonly Source[];
  /** Only on spans of these roles (all roles when absent). */
  readonly roles?: readonly SpanRole[];
  /** A named transform where a table cannot say it (default: JSON text is parsed). */
  readonly transform?: TransformName;
  /** A dotted path into the (parsed) value, before the transform: `usage.inputTokens`. */
  readonly path?: string;
  /** Only on spans that satisfy this (a family-specific reading of a shared attribute). */
  readonly when?: Condition;
}
