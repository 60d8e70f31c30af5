/** A PostgreSQL array literal of ids (hex, UUIDs), passed as one parameter and cast in SQL. */
export function pgArray(values: Iterable<string>): string {
  const items: string[] = [];
  for (const value of values) items.push(`"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`);
  return `{${items.join(",")}}`;
}

/** Splits rows so one multi-row statement stays well under PostgreSQL's 65,535 parameters. */
export function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
