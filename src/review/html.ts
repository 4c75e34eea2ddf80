// The review as one self-contained HTML page: the same model as the Markdown, the charts embedded
// inline, and the editable sections taken from the Markdown file (people's text included). Every
// value is escaped for HTML; people's Markdown is read by a deliberately small reader (paragraphs,
// lists, **bold**) that escapes everything, so no one's text can add markup, scripts or links.

import { escapeFor } from "../render/template.js";
import type { ReviewModel } from "./model.js";

const h = (s: string) => escapeFor("html", s);
const safeHref = (url: string) => (/^https?:\/\//i.test(url) ? h(url) : null);
const link = (url: string | undefined, text: string) => {
  const href = url ? safeHref(url) : null;
  return href ? `<a href="${href}">${h(text)}</a>` : h(text);
};

/**
 * Inline Markdown → HTML: backslash escapes, the entities Markdown escaping writes, **bold** and
 * _emphasis_ / *emphasis* (an underscore inside a word, snake_case, stays text, as in CommonMark).
 * The joiner Markdown escaping puts after "@" (so chat does not notify) is dropped: a page notifies
 * no one, and the invisible character would travel with "branch@sha" when copied.
 */
function inline(source: string): string {
  const md = source.replace(/@\u200d/g, "@");
  let out = "";
  let bold = false;
  let em: string | null = null;
  const word = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  for (let i = 0; i < md.length; i++) {
    const c = md[i]!;
    if (c === "\\" && i + 1 < md.length && /[!-/:-@[-`{-~]/.test(md[i + 1]!)) {
      out += h(md[++i]!);
    } else if (c === "*" && md[i + 1] === "*") {
      out += bold ? "</strong>" : "<strong>";
      bold = !bold;
      i++;
    } else if (
      (c === "_" || c === "*") &&
      (em === c ? !word(md[i + 1]) || c === "*" : em === null && (!word(md[i - 1]) || c === "*") && md.indexOf(c, i + 2) > i)
    ) {
      out += em ? "</em>" : "<em>";
      em = em ? null : c;
    } else if (c === "&") {
      const m = /^&(amp|lt|gt|quot|#39);/.exec(md.slice(i));
      if (m) {
        out += h({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" }[m[1] as "amp"]);
        i += m[0].length - 1;
      } else out += h(c);
    } else out += h(c);
  }
  return out + (em ? "</em>" : "") + (bold ? "</strong>" : "");
}

/** A block of people's Markdown → HTML. HTML comments are dropped; anything else is text. */
export function blockHtml(md: string): string {
  const lines = md
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  const out: string[] = [];
  let list: string[] | null = null;
  let para: string[] = [];
  const flushPara = () => {
    if (para.length) out.push(`<p>${para.map(inline).join("<br>")}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) out.push(`<ul>${list.join("")}</ul>`);
    list = null;
  };
  for (const raw of lines) {
    const line = raw.trimEnd();
    const item = /^\s*[-*]\s+(?:\[( |x)\]\s+)?(.*)$/.exec(line);
    if (line.trim() === "") {
      flushPara();
      flushList();
    } else if (item) {
      flushPara();
      list ??= [];
      list.push(`<li>${item[1] ? (item[1] === "x" ? "☑ " : "☐ ") : ""}${inline(item[2] ?? "")}</li>`);
    } else {
      flushList();
      const heading = /^(#{1,6})\s+(.*)$/.exec(line);
      if (heading) {
        flushPara();
        out.push(`<h4>${inline(heading[2] ?? "")}</h4>`);
      } else para.push(line.trim());
    }
  }
  flushPara();
  flushList();
  return out.join("\n");
}

const CSS = `body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2933;max-width:880px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #e4e7eb;padding-bottom:.2rem}table{border-collapse:collapse}td,th{border:1px solid #e4e7eb;padding:.25rem .5rem;text-align:left;vertical-align:top}
.meta{color:#52606d}.edit{background:#fffbea;border-left:3px solid #f0b429;padding:.2rem .8rem;margin:.5rem 0}.timeline td:first-child{white-space:nowrap}figure{margin:1rem 0}svg{max-width:100%;height:auto}`;

export interface HtmlInput {
  model: ReviewModel;
  /** The text of each editable section, as it stands in the Markdown file. */
  blocks: Map<string, string>;
  /** Orphaned sections kept from an earlier template. */
  orphans: Array<{ id: string; content: string }>;
  timelineSvg: string | null;
  metricSvgs: Array<{ name: string; svg: string }>;
}

export function renderReviewHtml({ model: m, blocks, orphans, timelineSvg, metricSvgs }: HtmlInput): string {
  const edit = (id: string) => `<div class="edit" data-firebreak-edit="${h(id)}">\n${blockHtml(blocks.get(id) ?? "")}\n</div>`;
  const inlineSvg = (s: string) => s.replace(/^<\?xml[^>]*>\s*/, "");
  const o: string[] = [];
  o.push(
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">`,
  );
  o.push(`<title>${h(`Post-incident review: ${m.ticket} ${m.title}`)}</title>\n<style>${CSS}</style>\n</head>\n<body>`);
  o.push(`<h1>${h(`Post-incident review: ${m.ticket} ${m.title}`)}</h1>`);
  o.push(
    `<p class="meta">${h(
      [
        `${m.priority} · ${m.level}`,
        `status ${m.status}`,
        `discovered ${m.discoveredAt}`,
        m.reviewDue ? `review due ${m.reviewDue}` : "",
        m.meeting ? `meeting ${m.meeting}` : "",
        m.reviewDone ? `review done ${m.reviewDone}` : "",
      ]
        .filter(Boolean)
        .join(" · "),
    )}</p>`,
  );
  o.push(`<h2>Summary</h2>\n${edit("summary")}`);
  if (timelineSvg) o.push(`<figure>${inlineSvg(timelineSvg)}</figure>`);
  o.push(`<h2>Timeline (UTC)</h2>\n<table class="timeline"><tbody>`);
  for (const t of m.timeline) o.push(`<tr><td>${h(t.at)}</td><td>${h(t.actor)}</td><td>${h(t.text)}</td></tr>`);
  o.push(`</tbody></table>\n${edit("timeline-notes")}`);
  o.push(`<h2>Impact</h2>\n<table><tbody>`);
  for (const r of m.impact.rows) o.push(`<tr><th>${h(r.label)}</th><td>${h(r.value)}</td></tr>`);
  o.push(`</tbody></table>`);
  if (m.impact.note) o.push(`<p>${h(m.impact.note)}</p>`);
  o.push(edit("impact"));
  o.push(`<h2>Root Cause</h2>\n${edit("root-cause")}`);
  if (m.commits.length) o.push(`<ul>${m.commits.map((c) => `<li>commit <code>${h(c.short)}</code> ${h(c.subject)}</li>`).join("")}</ul>`);
  o.push(`<h2>Resolution</h2>\n<ul>`);
  const r = m.resolution;
  if (r.pr) o.push(`<li>Pull request ${link(r.pr.url, `#${r.pr.number ?? "?"}`)} ${h(r.pr.title ?? "")}</li>`);
  if (r.tag) o.push(`<li>Release tag <code>${h(r.tag)}</code></li>`);
  for (const d of r.deploys)
    o.push(
      `<li>Deployed to ${h(d.env)}${d.what ? ` (${h(d.what)})` : ""}${d.at ? ` at ${h(d.at)}` : ""}${d.url ? ` · ${link(d.url, d.url)}` : ""}</li>`,
    );
  if (r.verification)
    o.push(
      `<li>Verification: ${h(r.verification.outcome ?? "?")}${r.verification.at ? ` at ${h(r.verification.at)}` : ""}${r.verification.summary ? `: ${h(r.verification.summary)}` : ""}</li>`,
    );
  for (const x of m.metrics) o.push(`<li>${h(`${x.name}: ${x.before} before → ${x.after} after${x.unit ? ` ${x.unit}` : ""}`)}</li>`);
  for (const b of r.rollbacks) o.push(`<li>Rolled back at ${h(b.at)}: ${h(b.summary)}</li>`);
  if (r.empty) o.push(`<li><em>Nothing released yet: no pull request, tag, deploy or verification on the record.</em></li>`);
  o.push(`</ul>`);
  for (const s of metricSvgs) o.push(`<figure>${inlineSvg(s.svg)}</figure>`);
  o.push(`<h2>What Went Well</h2>\n${edit("went-well")}`);
  o.push(`<h2>What Went Wrong</h2>\n${edit("went-wrong")}`);
  o.push(`<h2>Action Items</h2>`);
  if (m.actions.length) {
    o.push(`<table><thead><tr><th>id</th><th>action</th><th>owner</th><th>due</th><th>kind</th><th>follow-up</th></tr></thead><tbody>`);
    for (const a of m.actions)
      o.push(
        `<tr><td>${h(a.id)}</td><td>${h(a.text)}</td><td>${h(a.owner)}</td><td>${h(a.due)}</td><td>${h(a.kindLabel ?? "")}</td><td>${a.followup ? link(a.followup, a.followup) : ""}</td></tr>`,
      );
    o.push(`</tbody></table>`);
  } else o.push(`<p><em>None yet.</em></p>`);
  o.push(`<h2>Prevention</h2>\n${edit("prevention")}`);
  o.push(`<h2>Lessons Learned</h2>\n${edit("lessons")}`);
  if (orphans.length) {
    o.push(`<h2>Kept from an earlier version</h2>`);
    for (const b of orphans) o.push(`<div class="edit" data-firebreak-edit="${h(b.id)}">\n${blockHtml(b.content)}\n</div>`);
  }
  o.push(`<p class="meta">${h(`Written by firebreak from the incident record.`)}</p>\n</body>\n</html>\n`);
  return o.join("\n");
}
