// The names a JS/TS file exports, read from its whole text: export lists over many lines,
// `export default`, CommonJS (`module.exports = { … }`, `exports.x =`), `export =`, and in
// declaration files (.d.ts) what namespaces and exported interfaces and classes declare.
// A -U0 hunk alone cannot tell that "  create," sits inside `export { … }`; the whole text can.

import type { Hunk } from "./changeset.js";

export const JS_TS = /\.(?:[cm]?[jt]s|[jt]sx)$/;
export const DECLARATION_FILE = /\.d\.[cm]?ts$/;

// A changed line that could be part of a list or object over several lines ("  FetchAdapter,",
// "  send: send,", "  create(config) {"): only then is the file's text read.
const CONTEXTUAL = /^\s*(?:type\s+)?(?:[A-Za-z_$][\w$]*|'[^']*'|"[^"]*")(?:\s+as\s+[A-Za-z_$][\w$]*)?\s*\??\s*(?:,|:|\(|<|=|;|\}|$)/;

/** The changed lines of this file need the text around them to tell whether they export. */
export function needsWholeText(path: string, hunks: Hunk[]): boolean {
  if (DECLARATION_FILE.test(path)) return true;
  return hunks.some((h) => h.added.some((l) => CONTEXTUAL.test(l)) || h.removed.some((l) => CONTEXTUAL.test(l)));
}

/** The file before the change, rebuilt from its text after it and the -U0 hunks; null when they disagree. */
export function textBefore(after: string, hunks: Hunk[]): string | null {
  const lines = after.split("\n");
  for (const h of [...hunks].sort((a, b) => b.newStart - a.newStart)) {
    if (h.newCount === 0) {
      lines.splice(h.newStart, 0, ...h.removed);
      continue;
    }
    const at = h.newStart - 1;
    if (at < 0 || at + h.newCount > lines.length || h.added.some((l, i) => lines[at + i] !== l)) return null;
    lines.splice(at, h.newCount, ...h.removed);
  }
  return lines.join("\n");
}

/** Comments blanked (line breaks kept), strings left as they are. */
export function stripComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && !(c !== "`" && text[j] === "\n")) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const DECL =
  /^[ \t]*export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?|class|const|let|var|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/gm;
const DEFAULT = /^[ \t]*export\s+default\b/m;
const LIST = /^[ \t]*export\s+(?:type\s+)?\{([^}]*)\}/gm;
const STAR_AS = /^[ \t]*export\s+\*\s+as\s+([A-Za-z_$][\w$]*)/gm;
const STAR_FROM = /^[ \t]*export\s+\*\s+from\s+(['"][^'"\n]*['"])/gm;
const EXPORT_EQUALS = /^[ \t]*export\s*=/m;
const CJS_PROPERTY = /(?:^|[^\w$.])(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=(?!=)/gm;
const CJS_OBJECT = /(?:^|[^\w$.])module\.exports\s*=\s*\{/gm;
const CJS_VALUE = /(?:^|[^\w$.])module\.exports\s*=\s*(?![\s{])/m;

/** Every name the text exports; in a declaration file also "Namespace.Name" and "Interface.member". */
export function exportsOf(text: string, path: string): Set<string> {
  const code = stripComments(text);
  const names = new Set<string>();
  for (const m of code.matchAll(DECL)) names.add(m[1]!);
  if (DEFAULT.test(code)) names.add("default");
  for (const m of code.matchAll(LIST)) for (const n of listNames(m[1]!)) names.add(n);
  for (const m of code.matchAll(STAR_AS)) names.add(m[1]!);
  for (const m of code.matchAll(STAR_FROM)) names.add(`* from ${m[1]}`);
  if (EXPORT_EQUALS.test(code)) names.add("export =");
  for (const m of code.matchAll(CJS_PROPERTY)) names.add(m[1]!);
  for (const m of code.matchAll(CJS_OBJECT)) for (const n of objectKeys(code, m.index + m[0].length)) names.add(n);
  if (CJS_VALUE.test(code)) names.add("module.exports");
  if (DECLARATION_FILE.test(path)) for (const n of declaredNames(code)) names.add(n);
  return names;
}

function listNames(body: string): string[] {
  return body
    .split(",")
    .map((part) => part.trim().replace(/^type\s+/, ""))
    .filter((part) => part !== "")
    .map((part) =>
      part
        .split(/\s+as\s+/)
        .pop()!
        .trim(),
    );
}

/** The top-level keys of the object literal whose body starts at `from` (just after its "{"). */
function objectKeys(code: string, from: number): string[] {
  const keys: string[] = [];
  let depth = 0;
  let entry = "";
  const take = () => {
    const m = /^\s*(?:async\s+|get\s+|set\s+)?\*?\s*([A-Za-z_$][\w$]*|'[^']*'|"[^"]*")/.exec(entry);
    if (m && !/^\s*\.\.\./.test(entry)) keys.push(m[1]!.replace(/^['"]|['"]$/g, ""));
    entry = "";
  };
  for (let i = from; i < code.length; i++) {
    const c = code[i]!;
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === "\\" ? 2 : 1;
      entry += code.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") {
      if (depth === 0) {
        take();
        break;
      }
      depth--;
    } else if (c === "," && depth === 0) {
      take();
      continue;
    }
    entry += c;
  }
  return keys;
}

const HEADER =
  /^\s*(export\s+)?(declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(function\s*\*?|class|const|let|var|interface|type|enum|namespace|module|global)\b\s*([A-Za-z_$][\w$.]*|'[^']*'|"[^"]*")?/;
const MEMBER = /^\s*(?:(?:readonly|static|public|abstract|get|set|async)\s+)*([A-Za-z_$][\w$]*|'[^']*'|"[^"]*")\s*\??\s*[:(<]/;
const ENUM_MEMBER = /^\s*([A-Za-z_$][\w$]*|'[^']*'|"[^"]*")\s*(?:=|,|$)/;

type Frame = { name: string; kind: "scope" | "type" | "enum"; depth: number };

/**
 * What a declaration file declares, by line and brace depth (declaration files keep one
 * declaration a line): top-level `export`/`declare` names, everything inside a declared
 * namespace or module, and the members of the interfaces, classes and enums among them.
 */
function declaredNames(code: string): string[] {
  const names: string[] = [];
  const stack: Frame[] = [];
  let depth = 0;
  for (const line of code.split("\n")) {
    const top = stack[stack.length - 1];
    let opened: Omit<Frame, "depth"> | null = null;
    if (top ? depth === top.depth + 1 : depth === 0) {
      const h = HEADER.exec(line);
      if (h && (top ? top.kind === "scope" : Boolean(h[1] || h[2]))) {
        const own = (h[4] ?? h[3]!).replace(/^['"]|['"]$/g, "");
        const name = top ? `${top.name}.${own}` : own;
        names.push(name);
        const kw = h[3]!;
        if (kw === "namespace" || kw === "module" || kw === "global") opened = { name, kind: "scope" };
        else if (kw === "interface" || kw === "class") opened = { name, kind: "type" };
        else if (kw === "enum") opened = { name, kind: "enum" };
      } else if (top && top.kind !== "scope" && !/^\s*(?:private|protected|#)/.test(line)) {
        const m = (top.kind === "enum" ? ENUM_MEMBER : MEMBER).exec(line);
        if (m) names.push(`${top.name}.${m[1]!.replace(/^['"]|['"]$/g, "")}`);
      }
    }
    for (const c of line) {
      if (c === "{") {
        if (opened) stack.push({ ...opened, depth });
        opened = null;
        depth++;
      } else if (c === "}") {
        depth = Math.max(0, depth - 1);
        while (stack.length && stack[stack.length - 1]!.depth >= depth) stack.pop();
      }
    }
  }
  return names;
}
