// One watched metric over time, as standalone SVG: the baseline band (what counts as normal), the
// regression line verify tested for, the deploy, the value verify watched tick by tick after it,
// the moment of the verdict and a rollback when one followed. Drawn from the record alone (no
// chart library), so the review and any page that shows an incident draw the same picture.
// Every piece of text goes through xml().

import { xml } from "./charts.js";
import type { MetricFigure } from "./record.js";

const FONT = `font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"`;
const round = (n: number) => Math.round(n * 10) / 10;
const textWidth = (s: string, size: number) => s.length * size * 0.62;
const fmt = (v: number) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(3))));
const secs = (s: number) => (s >= 120 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);

export function metricSeriesSvg(m: MetricFigure): string {
  const W = 640;
  const H = 250;
  const left = 58;
  const right = W - 20;
  const top = 62;
  const bottom = H - 34;
  const unit = m.unit ?? "";
  // Older records have no series: the value after the warm-up, flat from the deploy to the verdict.
  const end0 = m.verdictAfter ?? 60;
  const series: Array<[number, number]> = m.series?.length
    ? m.series
    : [
        [0, m.after],
        [Math.max(end0, 1), m.after],
      ];
  const tEnd = Math.max(series.at(-1)![0], m.verdictAfter ?? 0, 1);
  const tStart = -tEnd * 0.2; // room before the deploy for the baseline
  const tolerance = m.limits?.tolerance ?? 1;
  const ratio = m.limits?.regressionRatio;
  const yMax = Math.max(m.before * (ratio ?? 1.5), m.before * tolerance, ...series.map((p) => p[1]), 1e-9) * 1.15;
  const x = (t: number) => round(left + ((t - tStart) / (tEnd - tStart)) * (right - left));
  const y = (v: number) => round(bottom - (Math.max(v, 0) / yMax) * (bottom - top));
  const fit = (cx: number, text: string, size: number) => {
    const half = textWidth(text, size) / 2 + 2;
    return round(Math.min(W - 4 - half, Math.max(4 + half, cx)));
  };

  const parts: string[] = [];
  parts.push(`<text x="16" y="22" font-size="14" font-weight="600" fill="#1f2933">${xml(`${m.name}${unit ? ` (${unit})` : ""}`)}</text>`);
  // Baseline band: from zero to tolerance × the baseline counts as normal (at least 3 px tall).
  const bandTop = Math.min(y(m.before * tolerance), bottom - 3);
  parts.push(
    `<rect data-part="baseline-band" x="${left}" y="${bandTop}" width="${right - left}" height="${round(bottom - bandTop)}" fill="#e3f4ea"><title>${xml(`baseline: ${fmt(m.before)} ${unit}`.trim())}</title></rect>`,
  );
  parts.push(
    `<line x1="${left}" y1="${y(m.before)}" x2="${right}" y2="${y(m.before)}" stroke="#2e9e5b" stroke-width="1" stroke-dasharray="3 3"/>`,
  );
  parts.push(
    `<text x="${left + 4}" y="${round(Math.max(y(m.before) - 4, top + 10))}" font-size="10" fill="#2e7d4f">${xml(`baseline ${fmt(m.before)}`)}</text>`,
  );
  if (ratio) {
    const ry = y(m.before * ratio);
    parts.push(
      `<line data-part="regression-line" x1="${left}" y1="${ry}" x2="${right}" y2="${ry}" stroke="#d64545" stroke-width="1" stroke-dasharray="6 4"/>`,
    );
    const label = `regression ×${fmt(ratio)}`;
    parts.push(`<text x="${right - 4}" y="${round(ry - 4)}" font-size="10" fill="#b83232" text-anchor="end">${xml(label)}</text>`);
  }
  // Axes: zero and the top value on the left, seconds from the deploy below.
  parts.push(`<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#9aa5b1" stroke-width="1"/>`);
  parts.push(`<text x="${left - 6}" y="${bottom + 4}" font-size="10" fill="#52606d" text-anchor="end">0</text>`);
  parts.push(`<text x="${left - 6}" y="${top + 4}" font-size="10" fill="#52606d" text-anchor="end">${xml(fmt(yMax))}</text>`);
  const endLabel = `+${secs(tEnd)}`;
  parts.push(
    `<text x="${fit(x(tEnd), endLabel, 10)}" y="${bottom + 16}" font-size="10" fill="#52606d" text-anchor="middle">${xml(endLabel)}</text>`,
  );
  // Before the deploy: the baseline rate; after it: what verify watched.
  parts.push(`<line x1="${x(tStart)}" y1="${y(m.before)}" x2="${x(0)}" y2="${y(m.before)}" stroke="#52606d" stroke-width="2"/>`);
  const line = [[0, series[0]![1]] as [number, number], ...series].map(([t, v]) => `${x(t)},${y(v)}`).join(" ");
  const bad = m.verdict === "regression";
  parts.push(`<polyline data-part="series" points="${line}" fill="none" stroke="${bad ? "#d64545" : "#4c8bf5"}" stroke-width="2"/>`);

  // Markers: the deploy on the upper label row, the verdict (and rollback) on the lower one.
  const marker = (kind: string, t: number, text: string, row: number, color: string) => {
    const mx = x(t);
    const ly = row === 0 ? 38 : 52;
    parts.push(`<line data-marker="${kind}" x1="${mx}" y1="${ly + 4}" x2="${mx}" y2="${bottom}" stroke="${color}" stroke-width="1.5"/>`);
    parts.push(
      `<text data-marker-label="${kind}" x="${fit(mx, text, 11)}" y="${ly}" font-size="11" fill="${color}" text-anchor="middle">${xml(text)}</text>`,
    );
  };
  marker("deploy", 0, "deploy", 0, "#1f2933");
  if (m.verdictAfter !== undefined && m.verdict) {
    const text = `${m.verdict}${m.rollback ? ", rolled back" : ""} +${secs(m.verdictAfter)}`;
    marker("verdict", m.verdictAfter, text, 1, bad ? "#d64545" : "#2e9e5b");
  }
  const label = `${m.name}: ${fmt(m.before)} before the deploy, ${fmt(m.after)} after${unit ? ` ${unit}` : ""}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${xml(label)}" data-chart="metric" ${FONT}>\n<title>${xml(label)}</title>\n<rect width="${W}" height="${H}" fill="#ffffff"/>\n${parts.join("\n")}\n</svg>\n`;
}
