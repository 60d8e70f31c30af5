import type { SpanRole } from "../../model/index.js";
import type { Condition, Family, FieldMapping, Source } from "./family.js";
import { TARGETS, type Target } from "./targets.js";

/** The README's tables of each family, made from the family modules (a test keeps the README in step). */

const ROLE_NAMES: Partial<Record<SpanRole, string>> = {
  ai_call: "AI call",
  llm: "model request",
  tool: "tool call",
  retrieval: "retrieval",
  guardrail: "guardrail",
  evaluation: "evaluation",
};

const code = (text: string) => `\`${text}\``;

function condition(c: Condition): string {
  if ("all" in c) return c.all.map(condition).join(" and ");
  if ("any" in c) {
    const [a, b] = c.any;
    // the AI SDK's operation id, or its span name when the id is not sent
    if (c.any.length === 2 && a !== undefined && b !== undefined && "attribute" in a && "name" in b)
      return `${code(a.attribute)} (else the span name) = ${b.name.map(code).join(" / ")}`;
    return `(${c.any.map(condition).join(" or ")})`;
  }
  if ("absent" in c) return `no ${code(c.absent)}`;
  if ("scope" in c) return `scope ${code(c.scope)}`;
  if ("name" in c) return `span name ${c.name.map(code).join(" / ")}`;
  return c.equals === undefined
    ? code(c.attribute)
    : `${code(c.attribute)} = ${c.equals.map(code).join(" / ")}`;
}

function source(s: Source): string {
  if (typeof s === "string") return code(s);
  if ("prefix" in s) return code(`${s.prefix}.*`);
  if ("event" in s) return `${code(s.attribute)} of the ${code(s.event)} event`;
  if ("events" in s) return `the ${s.events.map(code).join(", ")} events`;
  return "the span name";
}

function mapping(m: FieldMapping): string {
  const from = m.from.map(source).join(", ");
  const path = m.path === undefined ? "" : ` → ${code(m.path)}`;
  const roles = m.roles === undefined ? "" : ` (${m.roles.map((r) => ROLE_NAMES[r] ?? r).join(", ")})`;
  const when = m.when === undefined ? "" : ` (with ${condition(m.when)})`;
  return `${from}${path}${roles}${when}`;
}

function table(header: readonly [string, string], rows: ReadonlyArray<readonly [string, string]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function familySection(family: Family): string {
  const roles = family.roles.map(
    (m) =>
      [
        condition(m.when),
        `${ROLE_NAMES[m.role] ?? m.role}${m.operation === undefined ? "" : ` (${code(m.operation)})`}`,
      ] as const,
  );
  const byTarget = new Map<Target, string[]>();
  for (const m of family.fields) byTarget.set(m.target, [...(byTarget.get(m.target) ?? []), mapping(m)]);
  const fields = [...byTarget].map(([target, sources]) => [sources.join("; "), TARGETS[target]] as const);
  return [
    `#### ${family.name}`,
    "",
    `Sent by ${family.sentBy}.`,
    "",
    ...(roles.length === 0
      ? ["Roles: as the OpenTelemetry GenAI conventions."]
      : [table(["a span is one when it has", "it is"], roles)]),
    "",
    table(["attribute", "where it lands"], fields),
  ].join("\n");
}

/** One section per family, in the order they are asked. */
export function familyTables(families: readonly Family[]): string {
  return families.map(familySection).join("\n\n");
}
