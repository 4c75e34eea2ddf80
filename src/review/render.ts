// Renders the review: the Markdown from its template (the team's .firebreak/templates/review.md
// when present), the charts, the merge with the file already on disk, and the HTML page.

import { lstat, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { FirebreakError } from "../errors.js";
import { parseTemplate, renderTemplate } from "../render/template.js";
import { OVERRIDE_DIR } from "../render/templates/index.js";
import { phaseTimelineSvg, slug } from "./charts.js";
import { metricSeriesSvg } from "./metric-chart.js";
import { mergeBlocks, parseBlocks } from "./edit-blocks.js";
import { renderReviewHtml } from "./html.js";
import type { ReviewModel } from "./model.js";
import { REVIEW_MD } from "./template-md.js";

const MAX_BYTES = 256 * 1024;
export const REVIEW_TEMPLATE = "review.md";

export async function loadReviewTemplate(repoRoot: string | null): Promise<{ text: string; source: string }> {
  if (repoRoot !== null) {
    const rel = join(OVERRIDE_DIR, REVIEW_TEMPLATE);
    const st = await lstat(join(repoRoot, rel)).catch(() => null);
    if (st) {
      if (!st.isFile() || st.size > MAX_BYTES)
        throw new FirebreakError({
          code: "TEMPLATE_INVALID",
          message: `${rel} must be a regular file under ${MAX_BYTES / 1024} KB.`,
          next: `replace ${rel} with the template text, or delete it to use the default`,
        });
      const text = await readFile(join(repoRoot, rel), "utf8");
      parseTemplate(text, rel);
      return { text, source: rel };
    }
  }
  return { text: REVIEW_MD, source: "default" };
}

export interface ChartFile {
  file: string; // name, next to the review
  name: string;
  svg: string;
}

export interface RenderedReview {
  markdown: string;
  html: string | null;
  charts: ChartFile[];
  kept: string[];
  refreshed: string[];
  orphaned: string[];
  template: string;
}

/**
 * `base` is the review's file name without .md (ENG-1234): the charts are named after it.
 * `previous` is the Markdown already on disk, whose edited sections are kept.
 */
export async function renderReview(opts: {
  model: ReviewModel;
  repoRoot: string | null;
  base: string;
  previous: string | null;
  html: boolean;
  now: Date;
  charts: boolean;
}): Promise<RenderedReview> {
  const { model } = opts;
  const charts: ChartFile[] = [];
  let timeline: ChartFile | null = null;
  if (opts.charts) {
    timeline = {
      file: `${opts.base}.timeline.svg`,
      name: "timeline",
      svg: phaseTimelineSvg({
        ticket: model.ticket,
        milestones: model.milestones,
        deadlineAt: model.deadlineIso,
        now: opts.now.toISOString(),
      }),
    };
    charts.push(timeline);
    const used = new Set<string>();
    for (const m of model.metrics) {
      let s = slug(m.name);
      while (used.has(s)) s += "-x";
      used.add(s);
      charts.push({ file: `${opts.base}.metric-${s}.svg`, name: m.name, svg: metricSeriesSvg(m) });
    }
  }
  const t = await loadReviewTemplate(opts.repoRoot);
  const view = {
    ...model,
    charts: {
      timeline: timeline ? { file: basename(timeline.file) } : null,
      metrics: charts.slice(1).map((c) => ({ file: c.file, name: c.name })),
    },
  };
  const generated = renderTemplate(t.text, view as unknown as Record<string, unknown>, "markdown", t.source).replace(/\n{3,}/g, "\n\n");
  const merged = mergeBlocks(generated, opts.previous);
  let html: string | null = null;
  if (opts.html) {
    const blocks = new Map(parseBlocks(merged.text).map((b) => [b.id, b.content]));
    const orphans = parseBlocks(merged.text)
      .filter((b) => merged.orphaned.includes(b.id))
      .map((b) => ({ id: b.id, content: b.content }));
    html = renderReviewHtml({
      model,
      blocks,
      orphans,
      timelineSvg: timeline?.svg ?? null,
      metricSvgs: charts.slice(1).map((c) => ({ name: c.name, svg: c.svg })),
    });
  }
  return {
    markdown: merged.text,
    html,
    charts,
    kept: merged.kept,
    refreshed: merged.refreshed,
    orphaned: merged.orphaned,
    template: t.source,
  };
}
