// Charts drawn as SVG and HTML, each in a <figure> with a caption and its numbers as a table
// (what a screen reader reads; the drawing is hidden from it).
import { h, s } from "./dom.js";

/**
 * @typedef {{ key: string, label: string }} Series  its colour comes from the class `series-<key>`
 * @typedef {{ label: string, values: Record<string, number | null> }} Point  null: no value (a gap)
 */

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 44, right: 8, top: 8, bottom: 22 };

/**
 * @param {string} caption
 * @param {Node} drawing
 * @param {string[]} columns
 * @param {Array<Array<string>>} rows
 */
function figure(caption, drawing, columns, rows) {
  return h(
    "figure",
    { class: "chart" },
    h("figcaption", {}, caption),
    drawing,
    h(
      "details",
      { class: "chart-data" },
      h("summary", {}, "Data"),
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            columns.map((c) => h("th", { scope: "col" }, c)),
          ),
        ),
        h(
          "tbody",
          {},
          rows.map((r) =>
            h(
              "tr",
              {},
              r.map((cell, i) => (i === 0 ? h("th", { scope: "row" }, cell) : h("td", {}, cell))),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A round upper bound for an axis. @param {number} max */
function niceMax(max) {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * step).find((v) => v >= max) ?? max;
}

/**
 * Gridlines and labels of the value axis.
 * @param {number} max
 * @param {(value: number) => string} format
 */
function valueAxis(max, format) {
  const plot = HEIGHT - PAD.top - PAD.bottom;
  return [0, 0.5, 1].map((f) => {
    const y = PAD.top + plot * (1 - f);
    return s(
      "g",
      { class: "grid" },
      s("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y }),
      s("text", { x: PAD.left - 4, y: y + 4, "text-anchor": "end" }, format(max * f)),
    );
  });
}

/**
 * Labels under a few of the points (first, middle, last).
 * @param {Point[]} points
 * @param {(i: number) => number} xOf
 */
function pointLabels(points, xOf) {
  const last = points.length - 1;
  const picks = [...new Set([0, Math.floor(last / 2), last])].filter((i) => i >= 0);
  /** @param {number} i */
  const anchor = (i) => (last === 0 ? "middle" : i === 0 ? "start" : i === last ? "end" : "middle");
  return picks.map((i) =>
    s(
      "text",
      { class: "x-label", x: xOf(i), y: HEIGHT - 6, "text-anchor": anchor(i) },
      points[i]?.label ?? "",
    ),
  );
}

/**
 * Stacked columns: one per point, one segment per series.
 * @param {string} caption
 * @param {Point[]} points
 * @param {Series[]} series
 */
export function stackedColumns(caption, points, series) {
  // counts: at least 0, 1, 2 on the axis rather than halves
  const max = niceMax(
    Math.max(2, ...points.map((p) => series.reduce((sum, k) => sum + (p.values[k.key] ?? 0), 0))),
  );
  const plot = { w: WIDTH - PAD.left - PAD.right, h: HEIGHT - PAD.top - PAD.bottom };
  const slot = plot.w / Math.max(1, points.length);
  const xOf = (/** @type {number} */ i) => PAD.left + slot * (i + 0.5);
  const columns = points.flatMap((p, i) => {
    let base = 0;
    return series.map((k) => {
      const value = p.values[k.key] ?? 0;
      const height = (plot.h * value) / max;
      base += height;
      return s(
        "rect",
        {
          class: `series-${k.key}`,
          x: xOf(i) - slot * 0.4,
          width: slot * 0.8,
          y: PAD.top + plot.h - base,
          height,
        },
        s("title", {}, `${p.label}: ${value} ${k.label}`),
      );
    });
  });
  const drawing = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart-svg", "aria-hidden": "true" },
    valueAxis(max, (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))),
    columns,
    pointLabels(points, xOf),
  );
  return figure(
    caption,
    h("div", {}, legend(series), drawing),
    ["Bucket", ...series.map((k) => k.label)],
    points.map((p) => [p.label, ...series.map((k) => String(p.values[k.key] ?? 0))]),
  );
}

/**
 * Lines over the points, one per series; `null` values leave a gap.
 * @param {string} caption
 * @param {Point[]} points
 * @param {Series[]} series
 * @param {(value: number) => string} format
 */
export function lines(caption, points, series, format) {
  const values = points.flatMap((p) => series.map((k) => p.values[k.key] ?? 0));
  const max = niceMax(Math.max(0, ...values));
  const plot = { w: WIDTH - PAD.left - PAD.right, h: HEIGHT - PAD.top - PAD.bottom };
  const xOf = (/** @type {number} */ i) =>
    PAD.left + (points.length <= 1 ? plot.w / 2 : (plot.w * i) / (points.length - 1));
  const yOf = (/** @type {number} */ v) => PAD.top + plot.h * (1 - v / max);
  const paths = series.map((k) => {
    let d = "";
    let pen = "M";
    points.forEach((p, i) => {
      const v = p.values[k.key];
      if (v === null || v === undefined) {
        pen = "M";
        return;
      }
      d += `${pen}${xOf(i).toFixed(1)},${yOf(v).toFixed(1)}`;
      pen = "L";
    });
    // Dots too: a point with gaps on both sides draws no line.
    const dots = points.map((p, i) => {
      const v = p.values[k.key];
      return v === null || v === undefined
        ? null
        : s("circle", { class: `series-${k.key}`, cx: xOf(i), cy: yOf(v), r: 2.5 });
    });
    return s("g", {}, s("path", { class: `line series-${k.key}`, d }), dots);
  });
  const drawing = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart-svg", "aria-hidden": "true" },
    valueAxis(max, format),
    paths,
    pointLabels(points, xOf),
  );
  return figure(
    caption,
    h("div", {}, legend(series), drawing),
    ["Bucket", ...series.map((k) => k.label)],
    points.map((p) => [
      p.label,
      ...series.map((k) => (p.values[k.key] == null ? "—" : format(/** @type {number} */ (p.values[k.key])))),
    ]),
  );
}

/**
 * Horizontal bars, largest first: one per item.
 * @param {string} caption
 * @param {Array<{ label: string, value: number | null }>} items
 * @param {(value: number) => string} format
 */
export function bars(caption, items, format) {
  const known = items.filter((i) => i.value !== null).sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const max = Math.max(0, ...known.map((i) => i.value ?? 0)) || 1;
  const drawing = h(
    "ol",
    { class: "hbars", "aria-hidden": "true" },
    known.map((item) => {
      const bar = h("span", { class: "hbar" });
      bar.style.width = `${(100 * (item.value ?? 0)) / max}%`;
      return h(
        "li",
        {},
        h("span", { class: "hbar-label", title: item.label }, item.label),
        h("span", { class: "hbar-track" }, bar),
        h("span", { class: "hbar-value" }, format(item.value ?? 0)),
      );
    }),
  );
  return figure(
    caption,
    known.length === 0 ? h("p", { class: "muted" }, "Nothing in this range.") : drawing,
    ["Name", "Value"],
    known.map((i) => [i.label, format(i.value ?? 0)]),
  );
}

/** @param {Series[]} series */
function legend(series) {
  return h(
    "ul",
    { class: "legend", "aria-hidden": "true" },
    series.map((k) => h("li", {}, h("span", { class: `swatch series-${k.key}` }), k.label)),
  );
}
