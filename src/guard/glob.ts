// A small glob matcher for repository paths ("/"-separated, relative to the root). Enough for
// test, infrastructure and manifest patterns: `*`, `?`, `**`, `{a,b}`. A pattern without "/"
// matches the file name at any depth, as in .gitignore.

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const normalized = pattern.replace(/^\.\//, "").replace(/^\//, "");
  const full = normalized.includes("/") ? normalized : `**/${normalized}`;
  const alternatives = expandBraces(full).map(compile);
  const re = new RegExp(`^(?:${alternatives.join("|")})$`);
  cache.set(pattern, re);
  return re;
}

export function matchesGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path);
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesGlob(path, p));
}

/** {a,b} expansion, one level deep per group, groups may repeat: "*.{ts,js}" → ["*.ts", "*.js"]. */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf("{");
  const close = open < 0 ? -1 : pattern.indexOf("}", open);
  if (open < 0 || close < 0) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  return pattern
    .slice(open + 1, close)
    .split(",")
    .flatMap((choice) => expandBraces(head + choice + tail));
}

function compile(pattern: string): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const atStart = i === 0 || pattern[i - 1] === "/";
      const slashAfter = pattern[i + 2] === "/";
      const atEnd = i + 2 === pattern.length;
      if (atStart && slashAfter) {
        out += "(?:.*/)?"; // "**/": zero or more whole directories
        i += 3;
        continue;
      }
      if (atStart && atEnd && i > 0) {
        out = out.slice(0, -1) + "(?:/.*)?"; // "dir/**": the directory and all below it
        i += 2;
        continue;
      }
      out += ".*";
      i += 2;
      continue;
    }
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    i += 1;
  }
  return out;
}
