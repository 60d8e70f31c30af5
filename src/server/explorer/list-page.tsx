/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { SKILL_STATUSES, WORKFLOW_STATUSES } from "../../model/index.js";

/**
 * The list's filters as they stand in the page's URL (and so survive a reload and can be
 * shared): the form is a plain GET form, so applying filters is a navigation. The client (list.js)
 * reads the same parameters to query the API.
 */
export interface ListFilters {
  readonly kind: "workflows" | "skills";
  readonly status: string;
  readonly workflow_id: string;
  readonly skill_id: string;
  readonly companion_id: string;
  readonly user_id: string;
  readonly organization_id: string;
  readonly session_id: string;
  readonly range: string;
  readonly from: string;
  readonly to: string;
}

export const RANGES: ReadonlyArray<{ value: string; label: string }> = [
  { value: "", label: "any time" },
  { value: "1h", label: "last hour" },
  { value: "24h", label: "last 24 hours" },
  { value: "7d", label: "last 7 days" },
  { value: "30d", label: "last 30 days" },
];

export function listFiltersOf(query: (name: string) => string | undefined): ListFilters {
  const text = (name: string) => (query(name) ?? "").trim().slice(0, 200);
  return {
    kind: query("kind") === "skills" ? "skills" : "workflows",
    status: text("status"),
    workflow_id: text("workflow_id"),
    skill_id: text("skill_id"),
    companion_id: text("companion_id"),
    user_id: text("user_id"),
    organization_id: text("organization_id"),
    session_id: text("session_id"),
    range: text("range"),
    from: text("from"),
    to: text("to"),
  };
}

/** The other kind's tab keeps the filters both lists share. */
function tabHref(filters: ListFilters, kind: ListFilters["kind"]): string {
  const params = new URLSearchParams();
  if (kind === "skills") params.set("kind", "skills");
  for (const name of [
    "status",
    "companion_id",
    "user_id",
    "organization_id",
    "session_id",
    "range",
  ] as const) {
    if (filters[name] !== "") params.set(name, filters[name]);
  }
  const search = params.toString();
  return search === "" ? "/" : `/?${search}`;
}

const TextFilter: FC<{ name: keyof ListFilters; label: string; value: string; hint?: string }> = (props) => (
  <div class="field">
    <label for={`f-${props.name}`}>{props.label}</label>
    <input
      id={`f-${props.name}`}
      name={props.name}
      value={props.value}
      autocomplete="off"
      spellcheck={false}
      placeholder={props.hint}
    />
  </div>
);

export const ListPage: FC<{ filters: ListFilters }> = ({ filters }) => {
  const statuses = filters.kind === "skills" ? SKILL_STATUSES : WORKFLOW_STATUSES;
  const statusOptions = [
    { value: "", label: "any" },
    ...statuses.map((s) => ({ value: s, label: s })),
    { value: "failed,timeout", label: "failed or timed out" },
  ];
  const known = statusOptions.some((o) => o.value === filters.status);
  return (
    <>
      <h1>Executions</h1>
      <nav aria-label="Execution kind" class="tabs">
        <a
          href={tabHref(filters, "workflows")}
          aria-current={filters.kind === "workflows" ? "page" : undefined}
        >
          Workflows
        </a>
        <a href={tabHref(filters, "skills")} aria-current={filters.kind === "skills" ? "page" : undefined}>
          Skills
        </a>
      </nav>
      <form id="filters" class="filters" method="get" action="/" aria-label="Filter executions">
        {filters.kind === "skills" ? <input type="hidden" name="kind" value="skills" /> : null}
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" name="status">
            {statusOptions.map((o) => (
              <option value={o.value} selected={o.value === filters.status}>
                {o.label}
              </option>
            ))}
            {known ? null : (
              <option value={filters.status} selected>
                {filters.status}
              </option>
            )}
          </select>
        </div>
        {filters.kind === "skills" ? (
          <TextFilter name="skill_id" label="Skill id" value={filters.skill_id} />
        ) : (
          <div class="field">
            <label for="f-workflow_id">Workflow</label>
            <input
              id="f-workflow_id"
              name="workflow_id"
              value={filters.workflow_id}
              list="known-workflows"
              autocomplete="off"
              spellcheck={false}
              placeholder="id"
            />
            <datalist id="known-workflows" />
          </div>
        )}
        <TextFilter name="companion_id" label="Companion" value={filters.companion_id} />
        <TextFilter name="user_id" label="User" value={filters.user_id} />
        <TextFilter name="organization_id" label="Organisation" value={filters.organization_id} />
        <TextFilter name="session_id" label="Session" value={filters.session_id} />
        <div class="field">
          <label for="f-range">Started</label>
          <select id="f-range" name="range">
            {RANGES.map((r) => (
              <option value={r.value} selected={r.value === filters.range}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-from">From</label>
          <input id="f-from" name="from" type="datetime-local" step="1" value={filters.from} />
        </div>
        <div class="field">
          <label for="f-to">To</label>
          <input id="f-to" name="to" type="datetime-local" step="1" value={filters.to} />
        </div>
        <div class="field actions">
          <button type="submit">Apply</button>
          <a href={filters.kind === "skills" ? "/?kind=skills" : "/"}>Clear</a>
        </div>
      </form>
      <p id="list-status" class="list-status" role="status" aria-live="polite">
        Loading…
      </p>
      <div class="table-wrap">
        <table id="executions" class="executions" data-kind={filters.kind}>
          <caption class="visually-hidden">
            {filters.kind === "skills" ? "Skill executions" : "Workflow executions"}, newest first
          </caption>
          <thead />
          <tbody />
        </table>
      </div>
      <button type="button" id="load-more" hidden>
        Load more
      </button>
    </>
  );
};
