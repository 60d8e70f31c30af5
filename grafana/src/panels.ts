import type { Panel } from "@grafana/schema";
import { DATASOURCE } from "./variables.js";

export type PanelKind = "timeseries" | "table" | "barchart";

/** A panel with one SQL query; `format` is what Grafana asks the PostgreSQL datasource for. */
export interface SqlPanel {
  readonly title: string;
  readonly kind: PanelKind;
  readonly description: string;
  readonly sql: string;
  readonly unit?: string;
  /** The most points Grafana asks for, which sets its auto $__interval (range / points); else the panel's width. */
  readonly maxDataPoints?: number;
}

const FORMAT: Record<PanelKind, "time_series" | "table"> = {
  timeseries: "time_series",
  table: "table",
  barchart: "table",
};

export function formatOf(panel: SqlPanel): "time_series" | "table" {
  return FORMAT[panel.kind];
}

/** Lays panels out two to a row, 12 columns wide each. */
export function toGrafanaPanels(panels: readonly SqlPanel[]): Panel[] {
  return panels.map((panel, index) => ({
    id: index + 1,
    type: panel.kind,
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    gridPos: { h: 9, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 9 },
    ...(panel.maxDataPoints === undefined ? {} : { maxDataPoints: panel.maxDataPoints }),
    fieldConfig: { defaults: panel.unit === undefined ? {} : { unit: panel.unit }, overrides: [] },
    options: {},
    targets: [
      {
        refId: "A",
        datasource: DATASOURCE,
        editorMode: "code",
        format: formatOf(panel),
        rawQuery: true,
        rawSql: panel.sql,
      },
    ],
  })) as Panel[];
}
