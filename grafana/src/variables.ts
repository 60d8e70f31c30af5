import type { DataSourceRef, VariableModel } from "@grafana/schema";
import type { VariableValue } from "./expand.js";

/** Every panel and variable queries the datasource the `datasource` variable selects. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, interpolated by Grafana
export const DATASOURCE: DataSourceRef = { type: "grafana-postgresql-datasource", uid: "${datasource}" };

/**
 * "All" of a multi-value variable: Grafana inserts a custom all value as it is, unquoted, so
 * these are SQL literals. A UUID column compares with the nil UUID (a valid UUID, so the
 * literal never fails to cast), a text column with a marker no name takes.
 */
export const ALL_UUID = "'00000000-0000-0000-0000-000000000000'";
export const ALL_TEXT = "'__all__'";

function query(name: string, label: string, sql: string, allValue: string): VariableModel {
  return {
    type: "query",
    name,
    label,
    datasource: DATASOURCE,
    query: sql,
    definition: sql,
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue,
    current: { text: ["All"], value: ["$__all"] },
    sort: 1,
    hide: 0,
  } as VariableModel;
}

export const datasourceVariable: VariableModel = {
  type: "datasource",
  name: "datasource",
  label: "Data source",
  query: "grafana-postgresql-datasource",
  current: {},
  hide: 0,
} as VariableModel;

export const organisationVariable = query(
  "organisation",
  "Organisation",
  `SELECT DISTINCT organization_id::text FROM "WorkflowExecutions" WHERE organization_id IS NOT NULL AND $__timeFilter(wkex_started_at)`,
  ALL_UUID,
);

export const companionVariable = query(
  "companion",
  "Companion",
  `SELECT DISTINCT companion_id::text FROM "WorkflowExecutions" WHERE companion_id IS NOT NULL AND $__timeFilter(wkex_started_at)`,
  ALL_UUID,
);

export const skillVariable = query(
  "skill",
  "Skill",
  `SELECT DISTINCT exec_skill_name FROM "SkillExecutions" WHERE $__timeFilter(exec_started_at)`,
  ALL_TEXT,
);

export const workflowVariable = query(
  "workflow",
  "Workflow",
  `SELECT DISTINCT wkex_workflow_name FROM "WorkflowExecutions" WHERE wkex_workflow_name IS NOT NULL AND $__timeFilter(wkex_started_at)`,
  ALL_TEXT,
);

function textbox(name: string, label: string, description: string): VariableModel {
  return {
    type: "textbox",
    name,
    label,
    description,
    query: "",
    current: { text: "", value: "" },
    hide: 0,
  } as VariableModel;
}

export const userVariable = textbox("user", "User (UUID)", "user_id as stored; empty for every user");
export const sessionVariable = textbox("session", "Session", "exec_session_id; empty for every session");

export const stuckMinutesVariable: VariableModel = {
  type: "custom",
  name: "stuck_minutes",
  label: "Stuck after (minutes)",
  query: "15,30,60,240",
  current: { text: "15", value: "15" },
  options: [],
  hide: 0,
} as VariableModel;

/** SQL conditions for the variables, on the column names of each table. */
export const where = {
  organisation: (column: string) => `(${ALL_UUID} IN ($organisation) OR ${column} IN ($organisation))`,
  companion: (column: string) => `(${ALL_UUID} IN ($companion) OR ${column} IN ($companion))`,
  skill: (column: string) => `(${ALL_TEXT} IN ($skill) OR ${column} IN ($skill))`,
  workflow: (column: string) => `(${ALL_TEXT} IN ($workflow) OR ${column} IN ($workflow))`,
  user: (column: string) =>
    `('$user' = '' OR ${column} = (CASE WHEN '$user' = '' THEN NULL ELSE '$user' END)::uuid)`,
  session: (column: string) => `('$session' = '' OR ${column} = '$session')`,
};

/** The dashboards as they open: every multi-value variable on "All", the text boxes empty. */
export const DEFAULT_VALUES: Readonly<Record<string, VariableValue>> = {
  organisation: { all: true },
  companion: { all: true },
  skill: { all: true },
  workflow: { all: true },
  user: "",
  session: "",
  stuck_minutes: "15",
};
