import type { Attributes, AttributeValue, JsonObject, JsonValue, Span, SpanRole } from "../../model/index.js";
import { attributesUnder } from "../attributes-under.js";
import { payloadToJson, setPath, toJson } from "../json-value.js";
import type { Message } from "../messages.js";
import type { Condition, Family, FieldMapping, RoleMark, Source } from "./family.js";
import { MERGED_TARGETS, RESOURCE_TARGETS, type Target } from "./targets.js";
import { TRANSFORMS } from "./transforms.js";

const present = (value: AttributeValue | undefined): value is AttributeValue =>
  value !== undefined && value !== null;

/** Whether a span meets a condition; a compiled condition, since every span meets many. */
type Test = (span: Span) => boolean;

const TESTS = new WeakMap<Condition, Test>();

function holds(span: Span, condition: Condition): boolean {
  return testOf(condition)(span);
}

/** The condition as a function, made once per condition object. */
function testOf(condition: Condition): Test {
  let test = TESTS.get(condition);
  if (test === undefined) {
    test = compile(condition);
    TESTS.set(condition, test);
  }
  return test;
}

function compile(condition: Condition): Test {
  if ("all" in condition) {
    const tests = condition.all.map(testOf);
    return (span) => tests.every((test) => test(span));
  }
  if ("any" in condition) {
    const tests = condition.any.map(testOf);
    return (span) => tests.some((test) => test(span));
  }
  if ("absent" in condition) {
    const key = condition.absent;
    return (span) => !present(span.attributes[key]);
  }
  if ("scope" in condition) {
    const scope = condition.scope;
    return (span) => span.scope.name === scope;
  }
  if ("name" in condition) {
    const names = condition.name;
    return (span) => {
      const space = span.name.indexOf(" ");
      return names.includes(space < 0 ? span.name : span.name.slice(0, space));
    };
  }
  const { attribute, equals } = condition;
  if (equals === undefined) return (span) => present(span.attributes[attribute]);
  const lowered = new Set(equals.map((e) => e.toLowerCase()));
  return (span) => {
    const value = span.attributes[attribute];
    return present(value) && lowered.has(String(value).toLowerCase());
  };
}

export interface Recognised {
  readonly family: Family;
  readonly mark: RoleMark;
}

/** The first family (in order) with a role mark the span satisfies. */
export function recognise(span: Span, families: readonly Family[]): Recognised | undefined {
  for (const family of families) {
    const mark = family.roles.find((m) => holds(span, m.when));
    if (mark !== undefined) return { family, mark };
  }
  return undefined;
}

/** What a source finds on the span (and the key it found it under), before any transform. */
function find(
  span: Span,
  source: Source,
  resource: boolean,
): { value: AttributeValue; key: string } | undefined {
  if (typeof source === "string") {
    const own = span.attributes[source];
    if (present(own)) return { value: own, key: source };
    const shared = resource ? span.resource[source] : undefined;
    return present(shared) ? { value: shared, key: source } : undefined;
  }
  if ("prefix" in source) {
    // flattened lists and maps (`llm.input_messages.0.message.role`) nested again
    const found: JsonObject = {};
    for (const [rest, value] of attributesUnder(span.attributes, source.prefix)) {
      if (present(value)) setPath(found, rest.split("."), toJson(value));
    }
    return Object.keys(found).length > 0 ? { value: found, key: source.prefix } : undefined;
  }
  if ("event" in source) {
    const event = span.events.findLast(
      (e) => e.name === source.event && present(e.attributes[source.attribute]),
    );
    return event === undefined
      ? undefined
      : { value: event.attributes[source.attribute] as AttributeValue, key: source.attribute };
  }
  if ("events" in source) {
    const events = span.events
      .filter((e) => source.events.includes(e.name))
      .map((e) => ({ name: e.name, attributes: e.attributes }) as Attributes);
    return events.length > 0 ? { value: events, key: source.events.join(",") } : undefined;
  }
  return { value: span.name, key: "span name" };
}

function atPath(value: JsonValue | undefined, path: string | undefined): JsonValue | undefined {
  if (path === undefined) return value;
  let node = value;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = node[key];
  }
  return node;
}

function read(span: Span, mapping: FieldMapping): JsonValue | undefined {
  if (mapping.when !== undefined && !holds(span, mapping.when)) return undefined;
  const resource = RESOURCE_TARGETS.has(mapping.target);
  for (const source of mapping.from) {
    const found = find(span, source, resource);
    if (found === undefined) continue;
    const raw = mapping.path === undefined ? found.value : atPath(payloadToJson(found.value), mapping.path);
    if (raw === undefined || raw === null) continue;
    const value =
      mapping.transform === undefined
        ? payloadToJson(raw)
        : TRANSFORMS[mapping.transform](raw, span, found.key);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** The mappings of a family order, by target and role: built once per order, not per span. */
const mappingIndex = new WeakMap<readonly Family[], Map<Target, Map<SpanRole, readonly FieldMapping[]>>>();

function mappingsOf(order: readonly Family[], target: Target, role: SpanRole): readonly FieldMapping[] {
  let byTarget = mappingIndex.get(order);
  if (byTarget === undefined) {
    byTarget = new Map();
    mappingIndex.set(order, byTarget);
  }
  let byRole = byTarget.get(target);
  if (byRole === undefined) {
    byRole = new Map();
    byTarget.set(target, byRole);
  }
  let mappings = byRole.get(role);
  if (mappings === undefined) {
    mappings = order.flatMap((family) =>
      family.fields.filter((m) => m.target === target && (m.roles === undefined || m.roles.includes(role))),
    );
    byRole.set(role, mappings);
  }
  return mappings;
}

/**
 * What a span's instrumentation families say about it, field by field, asking the families in
 * their order: the first value found wins (objects such as metadata are merged, the first
 * family's keys over the others'). Families that build on the GenAI conventions come before them,
 * so their own reading of a shared attribute wins where they say it applies.
 */
export class SpanFacts {
  private readonly values = new Map<Target, JsonValue | undefined>();

  constructor(
    readonly span: Span,
    readonly role: SpanRole,
    private readonly order: readonly Family[],
    readonly recognised: Recognised | undefined,
  ) {}

  value(target: Target): JsonValue | undefined {
    if (this.values.has(target)) return this.values.get(target);
    const mappings = mappingsOf(this.order, target, this.role);
    let value: JsonValue | undefined;
    if (MERGED_TARGETS.has(target)) {
      const merged: JsonObject = {};
      for (const mapping of [...mappings].reverse()) {
        const found = read(this.span, mapping);
        if (typeof found === "object" && found !== null && !Array.isArray(found))
          Object.assign(merged, found);
      }
      value = Object.keys(merged).length > 0 ? merged : undefined;
    } else {
      for (const mapping of mappings) {
        value = read(this.span, mapping);
        if (value !== undefined) break;
      }
    }
    this.values.set(target, value);
    return value;
  }

  string(target: Target): string | null {
    const value = this.value(target);
    if (typeof value === "string") return value === "" ? null : value;
    return typeof value === "number" || typeof value === "boolean" ? String(value) : null;
  }

  /** A non-negative number (token counts sent as strings too). */
  number(target: Target): number | null {
    const value = this.value(target);
    const n =
      typeof value === "number"
        ? value
        : typeof value === "string" && value.trim() !== ""
          ? Number(value)
          : Number.NaN;
    return Number.isFinite(n) && n >= 0 ? n : null;
  }

  object(target: Target): JsonObject {
    const value = this.value(target);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
  }

  messages(target: Target): Message[] | undefined {
    const value = this.value(target);
    return Array.isArray(value) ? (value as Message[]) : undefined;
  }

  /** The operation of a model request or AI call: what the role mark says, else the family's field. */
  operation(): string | null {
    return this.recognised?.mark.operation ?? this.string("operation");
  }
}
