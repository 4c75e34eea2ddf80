// Reads .firebreak.yml: YAML with positions → normalise → secrets scan → zod → cross-field
// rules. Every problem is reported at once as `.firebreak.yml:LINE:COL key.path: message`, so
// a person fixes the file in one pass instead of one error per run.

import { readFile, stat } from "node:fs/promises";
import { exists } from "./path-exists.js";
import { join } from "node:path";
import type * as z from "zod";
import { isMap, isSeq, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { E } from "../errors.js";
import { Git } from "../adapters/git/git.js";
import { CONFIG_FILE, ConfigSchema, defaultConfig, type Config } from "./schema.js";
import { findInlineSecrets, type PathProblem } from "./secrets.js";
import { parseGitHubRemote } from "./remote-url.js";
import { describe, formatPath, issueMessage, sortByPosition, unknownKeyMessage, yamlMessage, type Path } from "./messages.js";

export interface LoadedConfig {
  config: Config;
  file: string | null; // absolute path of the file read, null when there is none
  warnings: string[];
}

/** Loads `<repoRoot>/.firebreak.yml`; defaults when it is missing. Throws E.config with every problem. */
export async function loadConfig(repoRoot: string): Promise<LoadedConfig> {
  const file = join(repoRoot, CONFIG_FILE);
  let text: string;
  try {
    // Checked before reading: a config is a page of settings, and parsing megabytes takes minutes.
    const { size } = await stat(file);
    if (size > MAX_CONFIG_BYTES) throw tooLarge(CONFIG_FILE, size);
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    const warnings: string[] = [];
    if (await exists(join(repoRoot, ".firebreak.yaml"))) {
      warnings.push(`.firebreak.yaml is not read: Firebreak reads ${CONFIG_FILE}. Rename it: git mv .firebreak.yaml ${CONFIG_FILE}`);
    }
    const config = defaultConfig();
    config.production.branch = await remoteHeadBranch(repoRoot, config.production.remote, config.production.branch);
    return { config, file: null, warnings };
  }
  const { config, warnings, productionBranchSet } = parseConfigText(text, CONFIG_FILE);
  if (!productionBranchSet) config.production.branch = await remoteHeadBranch(repoRoot, config.production.remote, config.production.branch);
  warnings.push(...(await forgeWarnings(repoRoot, config)));
  return { config, file, warnings };
}

/**
 * The production branch when .firebreak.yml does not name one: the remote's HEAD as this clone
 * knows it (git clone records it), else master when the remote has master and no main. Local git
 * only, so commands that only read never wait on the network.
 */
async function remoteHeadBranch(repoRoot: string, remote: string, fallback: string): Promise<string> {
  const prefix = `refs/remotes/${remote}/`;
  const git = new Git(repoRoot);
  const head = await git.raw(["symbolic-ref", "--quiet", `${prefix}HEAD`]);
  const ref = head.code === 0 ? head.stdout.trim() : "";
  if (ref.startsWith(prefix) && ref.length > prefix.length) return ref.slice(prefix.length);
  const has = async (name: string) => (await git.raw(["rev-parse", "--verify", "--quiet", `${prefix}${name}^{commit}`])).code === 0;
  if (!(await has(fallback)) && (await has("master"))) return "master";
  return fallback;
}

/** Parses config text. `label` is the name problems start with. Throws E.config with every problem. */
export function parseConfigText(
  text: string,
  label: string = CONFIG_FILE,
): { config: Config; warnings: string[]; productionBranchSet: boolean } {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw tooLarge(label, Buffer.byteLength(text));
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return `${label}:${line}:${col}`;
  };

  if (doc.errors.length > 0) {
    throw E.config(
      label,
      doc.errors.map((err) => `${at(err.pos[0])} ${yamlMessage(err.message)}`),
    );
  }
  const warnings = doc.warnings.map((w) => `${at(w.pos[0])} ${yamlMessage(w.message)}`);

  const where = (path: Path, key = false) => {
    const prefix = at(locate(doc, path, key));
    return path.length ? `${prefix} ${formatPath(path)}:` : prefix;
  };

  // A key such as __proto__ or constructor would reach the object's prototype, not a setting.
  const reserved: string[] = [];
  visit(doc, {
    Pair(_k, pair) {
      const key = isScalar(pair.key) ? pair.key.value : null;
      if (typeof key === "string" && RESERVED_KEYS.has(key))
        reserved.push(`${at((pair.key as Node).range?.[0])} ${JSON.stringify(key)} is a reserved name, not a setting: remove it`);
    },
  });
  if (reserved.length > 0) throw E.config(label, reserved);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    // The alias limit stops a few lines from expanding into gigabytes ("billion laughs").
    throw E.config(label, [`${at(0)} ${(e as Error).message}`]);
  }
  if (!isPlainObject(raw)) {
    throw E.config(label, [`${where([])} the file must be a mapping of keys (production:, ticket:, …), not a ${describe(raw)}`]);
  }
  const data = dropNulls(raw);

  const problems: { path: Path; text: string }[] = [];
  const add = (p: PathProblem, key = false) => problems.push({ path: p.path, text: `${where(p.path, key)} ${p.message}` });

  const secretPaths = new Set<string>();
  for (const p of findInlineSecrets(data)) {
    secretPaths.add(formatPath(p.path));
    add(p);
  }

  for (const u of unknownKeys(ConfigSchema, data, [])) warnings.push(`${where(u.path, true)} ${u.message}`);

  const parsed = ConfigSchema.safeParse(data, { error: issueMessage });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
      if (secretPaths.has(formatPath(path))) continue; // already reported, better, by the secrets scan
      if (issue.code === "unrecognized_keys") {
        const parent = getIn(data, path);
        for (const key of issue.keys) {
          const valid = isPlainObject(parent) ? validKeysAt(path) : [];
          add({ path: [...path, key], message: `${unknownKeyMessage(key, valid)} is not allowed here` }, true);
        }
      } else {
        add({ path, message: issue.message });
      }
    }
  } else {
    for (const c of crossFieldRules(parsed.data)) {
      if (c.error) add(c);
      else warnings.push(`${where(c.path)} ${c.message}`);
    }
  }

  if (problems.length > 0 || !parsed.success) {
    throw E.config(label, sortByPosition(problems.map((p) => p.text)));
  }
  const production = (data as Record<string, unknown>)["production"];
  const productionBranchSet = isPlainObject(production) && production["branch"] !== undefined;
  return { config: parsed.data, warnings, productionBranchSet };
}

/** The largest .firebreak.yml read (256 KB): a config is a page of settings. */
export const MAX_CONFIG_BYTES = 256 * 1024;

const tooLarge = (label: string, size: number) =>
  E.config(label, [
    `${label} is ${Math.round(size / 1024)} KB; the limit is ${MAX_CONFIG_BYTES / 1024} KB (a config is a page of settings: keep long lists in files it names, such as notify.email.recipientsFile)`,
  ]);

/** Names an object already has (constructor, toString, __proto__…): never a setting. */
const RESERVED_KEYS = new Set(["__proto__", "prototype", ...Object.getOwnPropertyNames(Object.prototype)]);

// --- positions -----------------------------------------------------------------------------

/** Offset of the node at `path` (or of its key), else of the deepest node that exists. */
function locate(doc: Document, path: Path, wantKey: boolean): number {
  let node: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
      if (!pair) break;
      if ((last && wantKey) || pair.value === null) {
        best = (pair.key as Node | null) ?? best;
        break;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
      if (node === undefined) break;
    } else break;
    best = node as Node;
  }
  return best?.range?.[0] ?? 0;
}

// --- unknown keys --------------------------------------------------------------------------

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** Peels optional/default/pipe wrappers off a schema. */
function core(schema: z.ZodType): SchemaDef {
  let def = defOf(schema);
  for (let i = 0; i < 10; i++) {
    const next = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!next) break;
    def = defOf(next);
  }
  return def;
}

/** Keys of plain objects (not loose, not strict) that the schema does not know: warnings, not errors. */
function unknownKeys(schema: z.ZodType, value: unknown, path: Path): PathProblem[] {
  const def = core(schema);
  const out: PathProblem[] = [];
  if (def.type === "array" && def.element && Array.isArray(value)) {
    value.forEach((v, i) => out.push(...unknownKeys(def.element as z.ZodType, v, [...path, i])));
  }
  if (def.type !== "object" || !def.shape || !isPlainObject(value)) return out;
  const valid = Object.keys(def.shape);
  for (const [k, v] of Object.entries(value)) {
    const child = Object.hasOwn(def.shape, k) ? def.shape[k] : undefined;
    if (child) out.push(...unknownKeys(child, v, [...path, k]));
    else if (!def.catchall) out.push({ path: [...path, k], message: `${unknownKeyMessage(k, valid)}: ignored` });
  }
  return out;
}

function validKeysAt(path: Path): string[] {
  let schema: z.ZodType | undefined = ConfigSchema;
  for (const seg of path) {
    if (!schema) return [];
    const def = core(schema);
    schema = def.type === "array" ? def.element : def.shape && Object.hasOwn(def.shape, String(seg)) ? def.shape[String(seg)] : undefined;
  }
  const shape = schema ? core(schema).shape : undefined;
  return shape ? Object.keys(shape) : [];
}

// --- cross-field rules ---------------------------------------------------------------------

function crossFieldRules(c: Config): (PathProblem & { error?: boolean })[] {
  const out: (PathProblem & { error?: boolean })[] = [];
  const p = c.ticket.pattern;
  if (!p.startsWith("^") || !p.endsWith("$")) {
    out.push({
      path: ["ticket", "pattern"],
      message: "is not anchored with ^ and $, so text around a ticket id would also match (and end up in branch names)",
    });
  }
  if (c.forge.type === "git") {
    for (const k of ["repo", "baseUrl", "token"] as const) {
      if (c.forge[k] !== undefined)
        out.push({ path: ["forge", k], message: `is ignored while forge.type is git (valid: set forge.type: github to use it)` });
    }
  }
  const seen = new Set<string>();
  (c.backport.targets ?? []).forEach((t, i) => {
    if (t.branch === c.production.branch) {
      out.push({
        path: ["backport", "targets", i, "branch"],
        message: `is the production branch (${c.production.branch}); the fix is already there`,
        error: true,
      });
    } else if (seen.has(t.branch)) {
      out.push({ path: ["backport", "targets", i, "branch"], message: `${t.branch} is listed twice`, error: true });
    }
    seen.add(t.branch);
  });
  return out;
}

/** forge.type github needs to know the repository: from forge.repo or a github.com remote. */
async function forgeWarnings(repoRoot: string, c: Config): Promise<string[]> {
  if (c.forge.type !== "github" || c.forge.repo) return [];
  const r = await new Git(repoRoot).raw(["remote", "get-url", "--", c.production.remote]);
  const url = r.code === 0 ? r.stdout.trim() : "";
  if (url && parseGitHubRemote(url)) return [];
  const why = url ? `remote ${c.production.remote} is not on github.com` : `there is no remote named ${c.production.remote}`;
  return [`${CONFIG_FILE} forge: forge.type is github but forge.repo is not set and ${why}: set forge.repo: owner/name`];
}

// --- helpers -------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** An empty key (`checks:` with every line under it commented out) means "use the defaults". */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(v)) if (item !== null && item !== undefined) out[k] = dropNulls(item);
  return out;
}

function getIn(v: unknown, path: Path): unknown {
  let cur = v;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
