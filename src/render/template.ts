// A small logic-less template engine (Mustache's tags, none of its lambdas or partials) with
// escaping chosen by the channel the text goes to. Templates are the team's to change, values are
// people's text: a value can never become markup, a link, a hidden character or a mention.
//
//   {{name}} {{a.b}} {{.}}      a value, escaped for the channel
//   {{#list}}…{{/list}}         repeated per item; once for true or an object; skipped when empty
//   {{^name}}…{{/name}}         when missing, false, "" or an empty list
//   {{! comment }}
// There is no unescaped form on purpose. A tag alone on its line takes the line with it.

import { FirebreakError } from "../errors.js";

export type Channel = "markdown" | "slack" | "html" | "plain";
export type View = Record<string, unknown>;

type Node = { t: "text"; v: string } | { t: "var"; name: string } | { t: "section"; name: string; inverted: boolean; children: Node[] };

const TAG = /\{\{\s*([#^/!]?)\s*([^}]*?)\s*\}\}/g;
const NAME = /^(?:\.|[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/;

function templateError(source: string, line: number, message: string): FirebreakError {
  return new FirebreakError({
    code: "TEMPLATE_INVALID",
    message: `${source}:${line}: ${message}`,
    next: `fix ${source}, or delete it to use the default template`,
  });
}

/** Parses a template once; throws TEMPLATE_INVALID with the line of the problem. */
export function parseTemplate(text: string, source = "template"): Node[] {
  const lineOf = (i: number) => text.slice(0, i).split("\n").length;
  // Standalone section/comment tags take their whole line (indentation and newline included).
  const standalone = /^[ \t]*\{\{\s*[#^/!][^}]*\}\}[ \t]*(?:\r?\n|$)/gm;
  const tokens: { kind: string; name: string; at: number; end: number }[] = [];
  // tag offset → the span of its whole line, for tags that stand alone on it
  const lineSpan = new Map<number, { start: number; end: number }>();
  let m: RegExpExecArray | null;
  while ((m = standalone.exec(text))) {
    if (m[0] === "") {
      standalone.lastIndex++;
      continue;
    }
    lineSpan.set(text.indexOf("{{", m.index), { start: m.index, end: m.index + m[0].length });
  }
  TAG.lastIndex = 0;
  while ((m = TAG.exec(text))) {
    const kind = m[1] ?? "";
    const name = (m[2] ?? "").trim();
    const span = lineSpan.get(m.index);
    const start = span?.start ?? m.index;
    const end = span?.end ?? m.index + m[0].length;
    if (kind !== "!" && !NAME.test(name))
      throw templateError(source, lineOf(m.index), `"{{${kind}${name}}}" is not a tag: names are letters, digits, _ - and dots`);
    tokens.push({ kind, name, at: start, end });
  }
  const root: Node[] = [];
  const stack: { name: string; children: Node[]; line: number }[] = [];
  let cursor = 0;
  const top = () => stack[stack.length - 1]?.children ?? root;
  for (const tok of tokens) {
    if (tok.at > cursor) top().push({ t: "text", v: text.slice(cursor, tok.at) });
    cursor = tok.end;
    if (tok.kind === "!") continue;
    if (tok.kind === "#" || tok.kind === "^") {
      const node: Node = { t: "section", name: tok.name, inverted: tok.kind === "^", children: [] };
      top().push(node);
      stack.push({ name: tok.name, children: node.children, line: lineOf(tok.at) });
    } else if (tok.kind === "/") {
      const open = stack.pop();
      if (!open) throw templateError(source, lineOf(tok.at), `{{/${tok.name}}} closes nothing`);
      if (open.name !== tok.name)
        throw templateError(source, lineOf(tok.at), `{{/${tok.name}}} closes {{#${open.name}}} from line ${open.line}`);
    } else {
      top().push({ t: "var", name: tok.name });
    }
  }
  if (cursor < text.length) top().push({ t: "text", v: text.slice(cursor) });
  const open = stack.pop();
  if (open) throw templateError(source, open.line, `{{#${open.name}}} is never closed`);
  return root;
}

function lookup(stack: unknown[], name: string): unknown {
  if (name === ".") return stack[stack.length - 1];
  const [first, ...rest] = name.split(".");
  for (let i = stack.length - 1; i >= 0; i--) {
    const ctx = stack[i];
    if (ctx !== null && typeof ctx === "object" && Object.hasOwn(ctx, first as string)) {
      let v: unknown = (ctx as Record<string, unknown>)[first as string];
      for (const k of rest) v = v !== null && typeof v === "object" && Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined;
      return v;
    }
  }
  return undefined;
}

const truthy = (v: unknown) => !(v === undefined || v === null || v === false || v === "" || (Array.isArray(v) && v.length === 0));

/** Whether the template text so far left a Markdown code span open (backticks on the current line). */
interface RenderState {
  inCode: boolean;
}

function trackCode(text: string, state: RenderState): void {
  for (const ch of text) {
    if (ch === "\n") state.inCode = false;
    else if (ch === "`") state.inCode = !state.inCode;
  }
}

function renderNodes(nodes: Node[], stack: unknown[], channel: Channel, out: string[], state: RenderState): void {
  for (const n of nodes) {
    if (n.t === "text") {
      out.push(n.v);
      trackCode(n.v, state);
    } else if (n.t === "var") {
      const v = lookup(stack, n.name);
      if (v === undefined || v === null) continue;
      const text = typeof v === "object" ? JSON.stringify(v) : String(v);
      // Inside `…` Markdown shows backslashes as typed: there only the span's own end needs care.
      out.push(channel === "markdown" && state.inCode ? escapeCodeSpan(text) : escapeFor(channel, text));
    } else {
      const v = lookup(stack, n.name);
      if (n.inverted) {
        if (!truthy(v)) renderNodes(n.children, stack, channel, out, state);
      } else if (Array.isArray(v)) {
        for (const item of v) renderNodes(n.children, [...stack, item], channel, out, state);
      } else if (truthy(v)) {
        renderNodes(n.children, typeof v === "object" ? [...stack, v] : stack, channel, out, state);
      }
    }
  }
}

export function renderTemplate(template: string, view: View, channel: Channel, source?: string): string {
  const out: string[] = [];
  renderNodes(parseTemplate(template, source), [view], channel, out, { inCode: false });
  return out.join("");
}

/** A value inside a Markdown code span: one line, and no backtick that could end the span early. */
function escapeCodeSpan(s: string): string {
  return s
    .replace(INVISIBLE, "")
    .replace(/\r?\n|\r/g, " ")
    .replace(/`/g, "'");
}

// --- escaping --------------------------------------------------------------------------------

// Control characters (but tab and newline), bidi overrides and isolates (they make text read
// differently from what it is), and zero-width characters that could hide inside a name.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const ZWJ = "\u200d";

/** @everyone, @here, @user, @org/team: a zero-width joiner after the @ keeps them from notifying. */
const neutraliseMentions = (s: string) => s.replace(/@(?=[A-Za-z0-9_\-!])/g, `@${ZWJ}`);

function escapeMarkdown(s: string): string {
  return neutraliseMentions(
    s
      .replace(/\r\n?/g, "\n")
      // HTML first (entities, tags, comments), then every character that starts inline markup:
      // links and images need [ ], emphasis * _ ~, code `, tables |, autolinks <.
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/([\\`*_[\]|~])/g, "\\$1")
      // Line starts that would make a heading, list, quote or rule out of a sentence.
      .replace(/^([ \t]*)([#+\-=])/gm, "$1\\$2")
      .replace(/^([ \t]*\d+)\./gm, "$1\\."),
  );
}

function escapeSlack(s: string): string {
  // Slack's only escapes are these three; with < gone, <!channel>, <@U123> and <url|text> are text.
  return neutraliseMentions(s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export function escapeFor(channel: Channel, value: string): string {
  const clean = value.replace(INVISIBLE, "");
  switch (channel) {
    case "markdown":
      return escapeMarkdown(clean);
    case "slack":
      return escapeSlack(clean);
    case "html":
      return escapeHtml(clean);
    case "plain":
      return clean;
  }
}
