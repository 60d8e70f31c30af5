import { type Span, SpanKind, type SpanRole } from "../model/index.js";
import { FAMILIES, type Recognised, recognise } from "./conventions/index.js";

function present(span: Span, key: string): boolean {
  const value = span.attributes[key];
  return value !== undefined && value !== null;
}

const DB_STATEMENT_KEYS = [
  "db.query.text",
  "db.statement",
  "db.operation.name",
  "db.operation",
  "db.query.summary",
];

/** A db client span that ran something (a connect or pool checkout has no statement nor operation). */
function isDbQuery(span: Span): boolean {
  return (
    (present(span, "db.system.name") || present(span, "db.system")) &&
    DB_STATEMENT_KEYS.some((key) => present(span, key))
  );
}

export interface Classified {
  readonly role: SpanRole;
  /** The family and role mark that recognised an AI span. */
  readonly recognised?: Recognised;
}

/** The answers that name no family, made once: every span is classified. */
const BY_CONVENTION = {
  skill: { role: "skill" },
  step: { role: "step" },
  workflow: { role: "workflow" },
  db: { role: "db" },
  http: { role: "http" },
  other: { role: "other" },
} as const satisfies Record<string, Classified>;

/**
 * Which kind of execution a span is, first match wins: the execlens conventions (skill.*,
 * workflow.step.*, workflow.*), then the instrumentation families in their order (see FAMILIES);
 * db and http client spans count into their execution's performance.
 */
export function classify(span: Span): Classified {
  if (present(span, "skill.id") || present(span, "skill.name")) return BY_CONVENTION.skill;
  if (present(span, "workflow.step.id") || present(span, "workflow.step.order")) return BY_CONVENTION.step;
  if (
    present(span, "workflow.id") ||
    present(span, "workflow.name") ||
    present(span, "workflow.execution.id")
  ) {
    return BY_CONVENTION.workflow;
  }
  const recognised = recognise(span, FAMILIES);
  if (recognised !== undefined) return { role: recognised.mark.role, recognised };
  if (isDbQuery(span)) return BY_CONVENTION.db;
  if (
    span.kind === SpanKind.CLIENT &&
    (present(span, "http.request.method") || present(span, "http.method"))
  ) {
    return BY_CONVENTION.http;
  }
  return BY_CONVENTION.other;
}

export function roleOf(span: Span): SpanRole {
  return classify(span).role;
}
