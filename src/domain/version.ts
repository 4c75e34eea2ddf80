// Release versions: the next patch after the latest semver tag on production. Pure: the caller
// passes the tags it found (and which of them production contains); nothing here reads git.

export interface SemVer {
  prefix: string; // "v" or ""
  major: number;
  minor: number;
  patch: number;
  pre: string | null; // "rc.1" in v1.2.3-rc.1
}

// A tag is a release when it is MAJOR.MINOR.PATCH, optionally with a "v" and a pre-release part.
// Build metadata (+…) is not allowed in a git tag people type, so it is not accepted here either.
const SEMVER = /^(v?)(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function parseVersion(tag: string): SemVer | null {
  const m = SEMVER.exec(tag);
  if (!m) return null;
  return { prefix: m[1] ?? "", major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]), pre: m[5] ?? null };
}

export const formatVersion = (v: SemVer): string => `${v.prefix}${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ""}`;

/** Semver precedence; the prefix does not count. A pre-release sorts before its release. */
export function compareVersions(a: SemVer, b: SemVer): number {
  for (const k of ["major", "minor", "patch"] as const) if (a[k] !== b[k]) return a[k] - b[k];
  if (a.pre === b.pre) return 0;
  if (a.pre === null) return 1;
  if (b.pre === null) return -1;
  const pa = a.pre.split(".");
  const pb = b.pre.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The highest release tag (pre-releases ignored: a hotfix follows what is really released). */
export function latestRelease(tags: Iterable<string>): { tag: string; version: SemVer } | null {
  let best: { tag: string; version: SemVer } | null = null;
  for (const tag of tags) {
    const v = parseVersion(tag);
    if (!v || v.pre !== null) continue;
    if (!best || compareVersions(v, best.version) > 0) best = { tag, version: v };
  }
  return best;
}

export interface NextVersionInput {
  /** Release tags production contains. */
  reachable: readonly string[];
  /** Every tag the repository has, to learn whether it uses a "v" prefix. */
  allTags: readonly string[];
  /** The first release when production has none, e.g. "v0.1.0". */
  firstVersion: string;
  /** "auto" keeps what the repository uses; "v" or "" forces it. */
  tagPrefix: "auto" | "v" | "";
}

export interface NextVersion {
  tag: string;
  previous: string | null;
  first: boolean;
}

/** v2.3.4 → v2.3.5; keeps the prefix the repository uses; the first release is configurable. */
export function nextPatch(input: NextVersionInput): NextVersion {
  const latest = latestRelease(input.reachable);
  const prefixOf = (fallback: string): string => {
    if (input.tagPrefix !== "auto") return input.tagPrefix;
    if (latest) return latest.version.prefix;
    const used = input.allTags.map(parseVersion).filter((v): v is SemVer => v !== null);
    if (used.length === 0) return fallback;
    const withV = used.filter((v) => v.prefix === "v").length;
    return withV * 2 >= used.length ? "v" : "";
  };
  if (!latest) {
    const first = parseVersion(input.firstVersion);
    if (!first) throw new Error(`release.firstVersion ${JSON.stringify(input.firstVersion)} is not MAJOR.MINOR.PATCH`);
    return { tag: formatVersion({ ...first, prefix: prefixOf(first.prefix), pre: null }), previous: null, first: true };
  }
  const v = latest.version;
  return { tag: formatVersion({ ...v, prefix: prefixOf(v.prefix), patch: v.patch + 1, pre: null }), previous: latest.tag, first: false };
}

/** What a staging deploy of an unmerged hotfix is called: the coming release, marked as a candidate. */
export const candidateVersion = (nextTag: string, sha: string): string => `${nextTag}-rc.g${sha.slice(0, 7)}`;
