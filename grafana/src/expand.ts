import type { VariableModel } from "@grafana/schema";

/*
 * What Grafana does to a panel's SQL before PostgreSQL sees it: the frontend interpolates
 * template variables ($__interval and dashboard variables, quoting multi-value ones and
 * inserting a custom all value as it is), then the PostgreSQL datasource expands its macros.
 */

export type VariableValue = { readonly all: true } | string | readonly string[];

export interface ExpandOptions {
  readonly from: Date;
  readonly to: Date;
  /** As Grafana writes it: "1m", "1h", "30s". */
  readonly interval: string;
  readonly variables: readonly VariableModel[];
  readonly values: Readonly<Record<string, VariableValue>>;
  /** The options of each query variable, used for "All" without a custom all value. */
  readonly options?: Readonly<Record<string, readonly string[]>>;
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Go's time.RFC3339Nano, as Grafana formats the range in $__timeFilter. */
function rfc3339(date: Date): string {
  return date
    .toISOString()
    .replace(/\.000Z$/, "Z")
    .replace(/(\.\d*?)0+Z$/, "$1Z");
}

export function intervalSeconds(interval: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(interval.trim());
  if (match === null) throw new Error(`cannot parse interval ${JSON.stringify(interval)}`);
  const n = Number(match[1]);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 }[match[2] as "s"];
  return n * unit;
}

function interpolate(
  variable: VariableModel,
  value: VariableValue,
  options: readonly string[] | undefined,
): string {
  const multi = Boolean(variable.multi) || Boolean(variable.includeAll);
  if (typeof value === "object" && "all" in value) {
    if (variable.allValue !== undefined && variable.allValue !== null && variable.allValue !== "") {
      return variable.allValue;
    }
    return (options ?? []).map(quote).join(",");
  }
  if (Array.isArray(value)) return value.map(quote).join(",");
  const single = value as string;
  return multi ? quote(single) : single.replaceAll("'", "''");
}

function splitArguments(text: string): string[] {
  return text.split(",").map((a) => a.trim());
}

export function expandSql(sql: string, options: ExpandOptions): string {
  let out = sql
    .replaceAll("$__interval_ms", String(Math.round(intervalSeconds(options.interval) * 1000)))
    .replaceAll("$__interval", options.interval);
  const byLength = [...options.variables].sort((a, b) => b.name.length - a.name.length);
  for (const variable of byLength) {
    const value = options.values[variable.name];
    if (value === undefined) continue;
    const text = interpolate(variable, value, options.options?.[variable.name]);
    out = out
      .replaceAll(`\${${variable.name}}`, text)
      .replace(new RegExp(`\\$${variable.name}\\b`, "g"), () => text);
  }
  const from = rfc3339(options.from);
  const to = rfc3339(options.to);
  return out.replace(
    /\$__(timeFilter|timeGroupAlias|timeGroup|timeFrom|timeTo)\(([^)]*)\)/g,
    (_, macro: string, args: string) => {
      const [column, interval] = splitArguments(args);
      switch (macro) {
        case "timeFilter":
          return `${column} BETWEEN '${from}' AND '${to}'`;
        case "timeFrom":
          return `'${from}'`;
        case "timeTo":
          return `'${to}'`;
        default: {
          const seconds = intervalSeconds(interval ?? options.interval);
          const group = `floor(extract(epoch from ${column})/${seconds})*${seconds}`;
          return macro === "timeGroupAlias" ? `${group} AS "time"` : group;
        }
      }
    },
  );
}
