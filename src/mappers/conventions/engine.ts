import type {
  Attributes,
  AttributeValue,
  JsonObject,
  JsonValue,
  Span,
  SpanEvent,
  SpanRole,
} from "../../model/index.js";
import { attributeKeys, attributesUnder } from "../attributes-under.js";
import { payloadToJson, setPath, toJson } from "../json-value.js";
import type { Message } from "../messages.js";
import type { Condition, Family, FieldMapping, RoleMark, Source } from "./family.js";
import { MERGED_TARGETS, RESOURCE_TARGETS, TARGETS, type Target } from "./targets.js";
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

// Loops rather than every/some/find with a closure over the span: these run for every span.
function compile(condition: Condition): Test {
  if ("all" in condition) {
    const tests = condition.all.map(testOf);
    return (span) => {
      for (const test of tests) if (!test(span)) return false;
      return true;
    };
  }
  if ("any" in condition) {
    const tests = condition.any.map(testOf);
    return (span) => {
      for (const test of tests) if (test(span)) return true;
      return false;
    };
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
    // a first word has no space; it is compared in place rather than cut out of the name
    const words = condition.name.filter((name) => !name.includes(" "));
    return (span) => {
      const space = span.name.indexOf(" ");
      const length = space < 0 ? span.name.length : space;
      for (const word of words) if (word.length === length && span.name.startsWith(word)) return true;
      return false;
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
    for (const mark of family.roles) if (holds(span, mark.when)) return { family, mark };
  }
  return undefined;
}

/** What a source finds on the span, before any transform; nothing is made for a span without it. */
function find(span: Span, source: Source, resource: boolean): AttributeValue | undefined {
  if (typeof source === "string") {
    const own = span.attributes[source];
    if (present(own)) return own;
    const shared = resource ? span.resource[source] : undefined;
    return present(shared) ? shared : undefined;
  }
  if ("prefix" in source) {
    // flattened lists and maps (`llm.input_messages.0.message.role`) nested again
    const under = attributesUnder(span.attributes, source.prefix);
    if (under.length === 0) return undefined;
    const found: JsonObject = {};
    for (const [rest, value] of under) {
      if (present(value)) setPath(found, rest.split("."), toJson(value));
    }
    return Object.keys(found).length > 0 ? found : undefined;
  }
  if ("event" in source) return lastEventAttribute(span, source.event, source.attribute);
  if ("events" in source) {
    // most spans have no events: no closure is made for them
    if (span.events.length === 0 || !span.events.some((e) => source.events.includes(e.name)))
      return undefined;
    return span.events
      .filter((e) => source.events.includes(e.name))
      .map((e) => ({ name: e.name, attributes: e.attributes }) as Attributes);
  }
  return span.name;
}

/** The key a source finds its value under, as a transform is told it. */
function sourceKey(source: Source): string {
  if (typeof source === "string") return source;
  if ("prefix" in source) return source.prefix;
  if ("event" in source) return source.attribute;
  if ("events" in source) return source.events.join(",");
  return "span name";
}

/** The attribute on the span's last event of that name that has it. */
function lastEventAttribute(span: Span, name: string, attribute: string): AttributeValue | undefined {
  for (let i = span.events.length - 1; i >= 0; i--) {
    const event = span.events[i] as SpanEvent;
    const value = event.attributes[attribute];
    if (event.name === name && present(value)) return value;
  }
  return undefined;
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

/** `resource`: whether the mapping's target may come from the resource too (see RESOURCE_TARGETS). */
function read(span: Span, mapping: FieldMapping, resource: boolean): JsonValue | undefined {
  if (mapping.when !== undefined && !holds(span, mapping.when)) return undefined;
  for (const source of mapping.from) {
    const found = find(span, source, resource);
    if (found === undefined) continue;
    const raw = mapping.path === undefined ? found : atPath(payloadToJson(found), mapping.path);
    if (raw === undefined || raw === null) continue;
    const value =
      mapping.transform === undefined
        ? payloadToJson(raw)
        : TRANSFORMS[mapping.transform](raw, span, sourceKey(source));
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** Each target's place in a SpanFacts' values. */
const TARGET_INDEX: ReadonlyMap<Target, number> = new Map(
  (Object.keys(TARGETS) as Target[]).map((target, index) => [target, index]),
);
const RESOURCE_TARGET_INDEXES: ReadonlySet<number> = new Set(
  [...RESOURCE_TARGETS].map((target) => TARGET_INDEX.get(target) as number),
);
const NO_TARGETS: readonly number[] = [];
/** A value not asked for yet (undefined is an answer: the span has none). */
const UNREAD = Symbol("unread");
type Values = Array<JsonValue | undefined | typeof UNREAD>;

/** The mappings of one role under a family order, by target. */
type MappingsByTarget = Map<Target, readonly FieldMapping[]>;

/** What the engine derives from a family order, once per order rather than per span. */
interface OrderIndex {
  readonly byRole: Map<SpanRole, MappingsByTarget>;
  /** For each attribute a mapping reads by its key, the targets (by TARGET_INDEX) it may give. */
  readonly targetsOfKey: ReadonlyMap<string, readonly number[]>;
  /**
   * A span's values before its attribute keys are looked at: UNREAD for the targets that a prefix,
   * an event or the span name may give, undefined (none) for those only attributes give.
   */
  readonly blank: Readonly<Values>;
  /** For each resource, the resource targets its keys may give (its spans share it). */
  readonly resourceTargets: WeakMap<Attributes, readonly number[]>;
}

const orderIndexes = new WeakMap<readonly Family[], OrderIndex>();

function orderIndex(order: readonly Family[]): OrderIndex {
  let index = orderIndexes.get(order);
  if (index === undefined) {
    index = buildIndex(order);
    orderIndexes.set(order, index);
  }
  return index;
}

function buildIndex(order: readonly Family[]): OrderIndex {
  const targetsOfKey = new Map<string, number[]>();
  const blank: Values = new Array(TARGET_INDEX.size).fill(undefined);
  for (const mapping of order.flatMap((family) => family.fields)) {
    const target = TARGET_INDEX.get(mapping.target) as number;
    for (const source of mapping.from) {
      if (typeof source !== "string") blank[target] = UNREAD;
      else if (!targetsOfKey.get(source)?.includes(target))
        targetsOfKey.set(source, [...(targetsOfKey.get(source) ?? []), target]);
    }
  }
  return { byRole: new Map(), targetsOfKey, blank, resourceTargets: new WeakMap() };
}

function mappingsByTarget(index: OrderIndex, role: SpanRole): MappingsByTarget {
  let byTarget = index.byRole.get(role);
  if (byTarget === undefined) {
    byTarget = new Map();
    index.byRole.set(role, byTarget);
  }
  return byTarget;
}

/**
 * The values a span starts with: UNREAD where one of its (or its resource's) attribute keys, or a
 * source other than an attribute, may give a value; undefined where no mapping can find one, so
 * that most fields of most spans are answered without asking every family.
 */
function initialValues(index: OrderIndex, span: Span): Values {
  const values = index.blank.slice();
  for (const key of attributeKeys(span.attributes)) {
    for (const target of index.targetsOfKey.get(key) ?? NO_TARGETS) values[target] = UNREAD;
  }
  for (const target of resourceTargetsOf(index, span.resource)) values[target] = UNREAD;
  return values;
}

function resourceTargetsOf(index: OrderIndex, resource: Attributes): readonly number[] {
  let targets = index.resourceTargets.get(resource);
  if (targets === undefined) {
    targets = attributeKeys(resource).flatMap((key) =>
      (index.targetsOfKey.get(key) ?? []).filter((target) => RESOURCE_TARGET_INDEXES.has(target)),
    );
    index.resourceTargets.set(resource, targets);
  }
  return targets;
}

function mappingsOf(
  byTarget: MappingsByTarget,
  order: readonly Family[],
  target: Target,
  role: SpanRole,
): readonly FieldMapping[] {
  let mappings = byTarget.get(target);
  if (mappings === undefined) {
    mappings = order.flatMap((family) =>
      family.fields.filter((m) => m.target === target && (m.roles === undefined || m.roles.includes(role))),
    );
    byTarget.set(target, mappings);
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
  /** By TARGET_INDEX (see initialValues); made on the first field asked: many spans are asked none. */
  private values: Values | undefined;
  private mappings: MappingsByTarget | undefined;

  constructor(
    readonly span: Span,
    readonly role: SpanRole,
    private readonly order: readonly Family[],
    readonly recognised: Recognised | undefined,
  ) {}

  value(target: Target): JsonValue | undefined {
    const index = TARGET_INDEX.get(target) as number;
    this.values ??= initialValues(orderIndex(this.order), this.span);
    const known = this.values[index];
    if (known !== UNREAD) return known;
    this.mappings ??= mappingsByTarget(orderIndex(this.order), this.role);
    const mappings = mappingsOf(this.mappings, this.order, target, this.role);
    const resource = RESOURCE_TARGETS.has(target);
    let value: JsonValue | undefined;
    if (MERGED_TARGETS.has(target)) {
      const merged: JsonObject = {};
      // lowest precedence first: the first family's keys are assigned last
      for (let i = mappings.length - 1; i >= 0; i--) {
        const found = read(this.span, mappings[i] as FieldMapping, resource);
        if (typeof found === "object" && found !== null && !Array.isArray(found))
          Object.assign(merged, found);
      }
      value = Object.keys(merged).length > 0 ? merged : undefined;
    } else {
      for (const mapping of mappings) {
        value = read(this.span, mapping, resource);
        if (value !== undefined) break;
      }
    }
    this.values[index] = value;
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
