// The review's pictures, as standalone SVG drawn here (no chart library): the phases of the
// release on a time axis with the deadline line (each watched metric over time is in metric-chart.ts).
// Every piece of text in them passes through xml() so a title or metric name cannot become markup.

import { formatDuration } from "../domain/deadline.js";
import type { Milestones } from "./record.js";

export const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

const FONT = `font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"`;
const hhmm = (iso: string) => iso.slice(11, 16);
const round = (n: number) => Math.round(n * 10) / 10;

const PHASES: Array<{ key: keyof Milestones; label: string }> = [
  { key: "detected", label: "detect" },
  { key: "branch", label: "branch" },
  { key: "pr", label: "PR" },
  { key: "deployed", label: "deploy" },
  { key: "verified", label: "verified" },
];
const COLORS = ["#9aa5b1", "#4c8bf5", "#8e6bd8", "#f0a330", "#2e9e5b"];

/** Room for one "verified 14:52" label, in px. */
const LABEL_GAP = 96;

/** The phases detect → branch → PR → deploy → verified on a UTC time axis, with the deadline. */
export function phaseTimelineSvg(input: { ticket: string; milestones: Milestones; deadlineAt: string; now: string }): string {
  const W = 760;
  const H = 190;
  const left = 24;
  const right = W - 24;
  const barY = 70;
  const barH = 26;
  const reached = PHASES.map((p, i) => ({ ...p, i, at: input.milestones[p.key] as string | undefined })).filter(
    (p) => p.at !== undefined,
  ) as Array<{ key: keyof Milestones; label: string; i: number; at: string }>;
  const t0 = Date.parse(input.milestones.detected);
  const lastAt = Math.max(...reached.map((p) => Date.parse(p.at)));
  const deadline = Date.parse(input.deadlineAt);
  // An incident over in a fraction of its deadline would shrink to one dot on an axis that runs
  // to the deadline: the axis then ends after the last phase and the deadline is named off-scale.
  const deadlineOnAxis = deadline <= lastAt || lastAt - t0 >= 0.15 * (deadline - t0);
  const end = deadlineOnAxis ? Math.max(lastAt, deadline, t0 + 60_000) : Math.max(lastAt, t0 + 60_000);
  const span = (end - t0) * (deadlineOnAxis ? 1.06 : 1.12);
  const x = (t: number) => round(left + ((t - t0) / span) * (right - left));
  // Phases seconds apart still get a dot each.
  const dotX: number[] = [];
  for (const p of reached) dotX.push(round(Math.max(x(Date.parse(p.at)), (dotX.at(-1) ?? -Infinity) + 12)));
  /** Where a centred label of `text` fits inside the chart (none is cut off at either edge). */
  const fit = (cx: number, text: string) => {
    const half = textWidth(text, 11) / 2 + 2;
    return round(Math.min(W - 4 - half, Math.max(4 + half, cx)));
  };

  const parts: string[] = [];
  parts.push(
    `<text x="${left}" y="24" font-size="15" font-weight="600" fill="#1f2933">${xml(`${input.ticket}: from detection to verified (UTC)`)}</text>`,
  );
  // Axis with a tick at the start, the deadline and the end.
  parts.push(`<line x1="${left}" y1="${barY + barH + 8}" x2="${right}" y2="${barY + barH + 8}" stroke="#cbd2d9" stroke-width="1"/>`);
  const lastLabelX = [-Infinity, -Infinity];
  for (let k = 0; k < reached.length; k++) {
    const p = reached[k]!;
    const next = reached[k + 1];
    const x1 = dotX[k]!;
    if (next) {
      const x2 = dotX[k + 1]!;
      const ms = Date.parse(next.at) - Date.parse(p.at);
      parts.push(
        `<rect x="${x1}" y="${barY}" width="${round(x2 - x1)}" height="${barH}" rx="3" fill="${COLORS[p.i]}"><title>${xml(`${p.label} → ${next.label}: ${formatDuration(ms)}`)}</title></rect>`,
      );
      if (x2 - x1 > 44)
        parts.push(
          `<text x="${round((x1 + x2) / 2)}" y="${barY + 17}" font-size="11" fill="#fff" text-anchor="middle">${xml(formatDuration(ms))}</text>`,
        );
    }
    // Labels alternate above and below the bar; phases minutes apart on an hours-long axis would
    // print on top of each other, so a label moves right of the one before it, with a leader line.
    const row = k % 2;
    const labelY = row === 0 ? barY - 10 : barY + barH + 26;
    const label = `${p.label} ${hhmm(p.at)}`;
    const labelX = fit(Math.max(x1, lastLabelX[row]! + LABEL_GAP), label);
    lastLabelX[row] = labelX;
    parts.push(`<circle cx="${x1}" cy="${barY + barH / 2}" r="5" fill="#1f2933"/>`);
    if (labelX !== x1)
      parts.push(
        `<line x1="${x1}" y1="${barY + barH / 2}" x2="${labelX}" y2="${row === 0 ? labelY + 3 : labelY - 12}" stroke="#9aa5b1" stroke-width="1"/>`,
      );
    parts.push(`<text x="${labelX}" y="${labelY}" font-size="11" fill="#1f2933" text-anchor="middle">${xml(label)}</text>`);
  }
  const missing = PHASES.filter((p) => input.milestones[p.key] === undefined).map((p) => p.label);
  if (missing.length)
    parts.push(`<text x="${left}" y="${H - 12}" font-size="11" fill="#7b8794">${xml(`not reached yet: ${missing.join(", ")}`)}</text>`);
  const met = reached.some((p) => p.key === "deployed" || p.key === "verified")
    ? Date.parse((input.milestones.deployed ?? input.milestones.verified)!) <= deadline
    : Date.parse(input.now) <= deadline;
  const color = met ? "#2e9e5b" : "#d64545";
  if (deadlineOnAxis) {
    // The line runs through the bar only, between the two rows of phase labels; its label sits
    // above its top end, so no text is ever crossed by it.
    const dx = x(deadline);
    const text = `deadline ${hhmm(input.deadlineAt)}`;
    parts.push(
      `<line x1="${dx}" y1="${barY - 6}" x2="${dx}" y2="${barY + barH + 10}" stroke="${color}" stroke-width="2" stroke-dasharray="6 4" data-part="deadline"/>`,
    );
    parts.push(`<text x="${fit(dx, text)}" y="46" font-size="11" fill="${color}" text-anchor="middle">${xml(text)}</text>`);
  } else {
    const text = `deadline ${hhmm(input.deadlineAt)}, ${formatDuration(deadline - lastAt)} after the last phase →`;
    parts.push(`<text x="${right}" y="46" font-size="11" fill="${color}" text-anchor="end">${xml(text)}</text>`);
  }
  return svg(W, H, `Phases of ${input.ticket} with the deadline`, parts);
}

/** A generous estimate of a label's width in the chart's sans-serif font (no layout engine here). */
const textWidth = (s: string, size: number) => s.length * size * 0.62;

function svg(w: number, h: number, label: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${xml(label)}" ${FONT}>\n<title>${xml(label)}</title>\n<rect width="${w}" height="${h}" fill="#ffffff"/>\n${parts.join("\n")}\n</svg>\n`;
}

/** A file-name-safe slug for a metric name. */
export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40) || "metric";
